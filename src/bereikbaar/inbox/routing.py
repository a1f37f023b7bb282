"""WebSocket routes, mounted by asgi.py behind origin and session checks."""

from django.urls import path

from bereikbaar.inbox.consumers import InboxConsumer

websocket_urlpatterns = [path("ws/inbox/", InboxConsumer.as_asgi())]
