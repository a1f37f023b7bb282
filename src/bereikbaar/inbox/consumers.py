"""The agents' WebSocket: forwards realtime events for the teams this agent may see.

Events carry ids only (see realtime/events.py); the browser re-fetches what changed through the
permission-checked views, so joining the right groups is the whole of the security here.
Anonymous sockets are accepted and then closed with 4401, so the browser can tell "log in
again" from a network drop (a refused handshake looks the same as one) and stop retrying.
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from bereikbaar.routing.access import realtime_groups

UNAUTHORISED = 4401


class InboxConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.joined: list[str] = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=UNAUTHORISED)
            return
        self.joined = await database_sync_to_async(realtime_groups)(user)
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """The browser only listens; a ping gets a pong so it can check the line."""
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"event": "pong", "payload": {}})

    async def inbox_event(self, event: dict) -> None:
        await self.send_json({"event": event["event"], "payload": event["payload"]})
