"""Mounted at /channels/whatsapp/: Meta's webhook, and the agent's reply box."""

from django.urls import path

from bereikbaar.channels.whatsapp import agent_views, views

app_name = "whatsapp"

urlpatterns = [
    path("webhook", views.webhook, name="webhook"),
    path("conversations/<int:pk>/reply-box", agent_views.reply_box, name="reply_box"),
    path("conversations/<int:pk>/template", agent_views.send, name="send_template"),
]
