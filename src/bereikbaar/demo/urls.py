"""The customer simulator: play a customer on any channel and see the agents' answers."""

from django.urls import path

from bereikbaar.demo import call_views, callback_view, demo_channel_view, views

app_name = "demo"

urlpatterns = [
    path("", views.simulator, name="simulator"),
    path("berichten/", views.thread, name="thread"),
    path("gesprek/", call_views.call, name="call"),
    path("demo-kanaal/", demo_channel_view.demo_channel, name="demo_channel"),
    path("callback", callback_view.callback, name="callback"),
]
