"""/ws/webchat/agent/<id>/: an agent's typing indicators for one web chat conversation.

Messages themselves reach the inbox through the normal realtime events; this socket carries
only what is too fleeting to store: "the visitor is typing" to the agent, and "Anna is typing"
to the visitor. An agent who may not see the conversation is closed with 4403, the same close as
for a conversation that does not exist; only the audit log (conversations/access_log.py) tells
the two apart, as in the inbox.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from bereikbaar.channels.webchat.groups import conversation_group, visitor_group
from bereikbaar.conversations import access_log
from bereikbaar.routing.access import visible_conversations

UNAUTHORISED = 4401
FORBIDDEN = 4403


def _visitors(scope: dict, conversation_id: int) -> list[str] | None:
    """The visitors to tell the agent is typing, or None when this agent may not see the
    conversation (another team's: an audited refusal) or it does not exist."""
    conversation = None
    if 0 < conversation_id <= access_log.MAX_ID:
        conversation = visible_conversations(scope["user"]).filter(pk=conversation_id).first()
    if conversation is None:
        access_log.socket_refused(scope, conversation_id)
        return None
    return list(
        conversation.contact.identities.filter(kind="webchat").values_list("value", flat=True)
    )


class AgentTypingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.group = ""
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            return await self.close(code=UNAUTHORISED)
        self.conversation_id = int(self.scope["url_route"]["kwargs"]["conversation_id"])
        self.visitors = await database_sync_to_async(_visitors)(self.scope, self.conversation_id)
        if self.visitors is None:
            return await self.close(code=FORBIDDEN)
        self.name = user.get_full_name() or user.get_username()
        self.group = conversation_group(self.conversation_id)
        await self.channel_layer.group_add(self.group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if not self.group or not isinstance(content, dict) or content.get("type") != "typing":
            return
        event = {"type": "chat.typing", "active": bool(content.get("active")), "name": self.name}
        for visitor in self.visitors:
            await self.channel_layer.group_send(visitor_group(visitor), event)

    async def chat_typing(self, event: dict) -> None:
        if event.get("who") == "visitor":
            await self.send_json({"type": "typing", "active": event.get("active", True)})
