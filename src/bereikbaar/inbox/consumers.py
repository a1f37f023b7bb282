"""The agents' WebSocket: forwards realtime events for the teams this agent may see.

Events carry ids only (see realtime/events.py); the browser re-fetches what changed through the
permission-checked views, so joining the right groups is the whole of the security here.
Anonymous sockets are accepted and then closed with 4401, so the browser can tell "log in
again" from a network drop (a refused handshake looks the same as one) and stop retrying.

Rights can change while a socket is open (an agent taken off a team, deactivated, no longer an
admin): at most every RECHECK_SECONDS, an arriving event makes the socket read the user's groups
again, leave the ones it lost and drop events addressed to them; a user who can no longer log in
is closed with 4401.
"""

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from bereikbaar.routing.access import realtime_groups

UNAUTHORISED = 4401


def _current_groups(user_id: int) -> list[str] | None:
    """The user's groups now, or None when the user is gone or deactivated."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return None if user is None else realtime_groups(user)


class InboxConsumer(AsyncJsonWebsocketConsumer):
    RECHECK_SECONDS = 5.0

    async def connect(self) -> None:
        self.joined: list[str] = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.accept()
            await self.close(code=UNAUTHORISED)
            return
        self.user_id = user.pk
        self.joined = await database_sync_to_async(realtime_groups)(user)
        self.checked = time.monotonic()
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def recheck(self) -> bool:
        """Follow changed rights; False when the user may no longer be here at all."""
        self.checked = time.monotonic()
        now = await database_sync_to_async(_current_groups)(self.user_id)
        if now is None:
            for group in self.joined:
                await self.channel_layer.group_discard(group, self.channel_name)
            self.joined = []
            await self.close(code=UNAUTHORISED)
            return False
        for group in set(self.joined) - set(now):
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in set(now) - set(self.joined):
            await self.channel_layer.group_add(group, self.channel_name)
        self.joined = now
        return True

    async def dispatch(self, message: dict) -> None:
        """Events skip channels' close_old_connections before every handler: a hop to a
        thread and back per event, a quarter of the server's time in the ingest bench
        (py-spy). The one database read here, recheck(), runs through database_sync_to_async,
        which closes old connections itself."""
        if message.get("type") == "inbox.event":
            await self.inbox_event(message)
        else:
            await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """The browser only listens; a ping gets a pong so it can check the line."""
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"event": "pong", "payload": {}})

    async def inbox_event(self, event: dict) -> None:
        if not self.joined:  # closed, or never let in
            return
        if time.monotonic() - self.checked >= self.RECHECK_SECONDS and not await self.recheck():
            return
        group = event.get("group")  # publish() names it; a bare group_send does not
        if group is not None and group not in self.joined:
            return
        await self.send_json({"event": event["event"], "payload": event["payload"]})
