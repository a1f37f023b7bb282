"""WebSocket routes: the visitor's (token-based; any origin unless the widget's list of sites
says otherwise, origins.py) and the agents' typing socket (session-based, mounted behind the
same origin and session checks as /ws/inbox/)."""

from django.urls import path

from bereikbaar.channels.webchat.agent_consumer import AgentTypingConsumer
from bereikbaar.channels.webchat.consumer import ChatConsumer

VISITOR_PATH = "/ws/chat/"
visitor_app = ChatConsumer.as_asgi()
agent_urlpatterns = [
    path("ws/webchat/agent/<int:conversation_id>/", AgentTypingConsumer.as_asgi()),
]
