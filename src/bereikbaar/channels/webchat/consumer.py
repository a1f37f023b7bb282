"""/ws/chat/: the visitor's socket.

The first frame is a hello with the stored token (or none); the answer is a welcome with a
(new or renewed) token, the wait, whether someone is online now, and the visitor's history.
A token that is forged or expired starts a new visitor: the old conversation is never shown.
Every message is acknowledged by its client id only after intake committed it, so the widget
keeps unacknowledged ones and resends them; the dedupe key makes the resend a no-op.
"""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from bereikbaar.channels.webchat import limits, session
from bereikbaar.channels.webchat.groups import conversation_group, visitor_group
from bereikbaar.channels.webchat.origins import allowed
from bereikbaar.channels.webchat.payload import Refused, clean_text, client_id
from bereikbaar.channels.webchat.tokens import (
    BadToken,
    make_token,
    new_visitor,
    verified_identity,
    visitor_for,
)

FORBIDDEN_ORIGIN = 4403  # a site not on the widget's list (origins.py)
MAX_FRAME = 64 * 1024  # bytes: longer frames are answered "too_long" without being parsed
MESSAGES = {
    "too_long": _("Dit bericht is te lang. Stuur het in kortere delen."),
    "rate_limited": _("Je stuurt veel berichten kort na elkaar. Even geduld, we sturen ze zo."),
    "bad_encoding": _("Dit bericht kon niet worden gelezen (ongeldige tekens)."),
    "bad_request": _("Dit bericht kon niet worden verwerkt."),
    "empty": _("Een leeg bericht kan niet worden verstuurd."),
    "no_hello": _("Eerst verbinden (hello), dan berichten sturen."),
}


class ChatConsumer(AsyncWebsocketConsumer):
    visitor: str = ""
    language: str = "nl"
    verified: dict | None = None
    conversation_id: int | None = None

    async def connect(self) -> None:
        headers = dict(self.scope.get("headers") or [])
        origin = headers.get(b"origin", b"").decode("latin-1")
        host = headers.get(b"host", b"").decode("latin-1")
        if not await database_sync_to_async(allowed)(origin, host):
            await self.close(code=FORBIDDEN_ORIGIN)  # before accept: the handshake is refused
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.visitor:
            await self.channel_layer.group_discard(visitor_group(self.visitor), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if bytes_data is not None:
            try:
                text_data = bytes_data.decode("utf-8")
            except UnicodeDecodeError:
                return await self.refuse("bad_encoding")
        if text_data is None or len(text_data) > MAX_FRAME:
            return await self.refuse("too_long", _client_id_of(text_data))
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):  # RecursionError: `[[[[…` nested too deeply
            return await self.refuse("bad_request")
        if not isinstance(content, dict):
            return await self.refuse("bad_request")
        kind = content.get("type")
        if kind == "hello":
            return await self.hello(content)
        if not self.visitor:
            return await self.refuse("no_hello")
        handlers = {
            "message": self.message,
            "typing": self.typing,
            "receipt": self.receipt,
            "search": self.search,
            "ping": self.ping,
        }
        handler = handlers.get(kind)
        if handler is None:
            return await self.refuse("bad_request")
        try:
            await handler(content)
        except Refused as exc:
            await self.refuse(exc.code, content.get("client_id"))

    async def hello(self, content: dict) -> None:
        language = content.get("lang") if content.get("lang") in ("nl", "en") else "nl"
        renewed = False
        try:
            visitor = visitor_for(content.get("token"))
        except BadToken:
            visitor, renewed = new_visitor(), bool(content.get("token"))
        if self.visitor and self.visitor != visitor:
            await self.channel_layer.group_discard(visitor_group(self.visitor), self.channel_name)
        self.visitor, self.language = visitor, language
        identity = verified_identity(content.get("identity"))
        self.verified = identity.__dict__ if identity else None
        await self.channel_layer.group_add(visitor_group(visitor), self.channel_name)
        welcome = await database_sync_to_async(_welcome)(visitor, language)
        self.conversation_id = welcome.pop("conversation_id")
        await self.send_json(
            {
                "type": "welcome",
                "token": make_token(visitor),
                "renewed": renewed,
                "verified": bool(identity),
                **welcome,
            }
        )

    async def message(self, content: dict) -> None:
        cid = client_id(content.get("client_id"))
        ip = (self.scope.get("client") or ["?"])[0]
        wait = await sync_to_async(limits.retry_after, thread_sensitive=False)(
            {"visitor": self.visitor, "ip": ip}
        )
        if wait:
            return await self.refuse("rate_limited", cid, retry_after=round(wait, 1))
        accepted = await database_sync_to_async(session.take_message)(
            self.visitor, content, self.verified, self.language
        )
        self.conversation_id = None  # it may have started a new case: look again when typing
        await self.send_json({"type": "ack", "client_id": cid, "duplicate": accepted.duplicate})

    async def typing(self, content: dict) -> None:
        if self.conversation_id is None:
            self.conversation_id = await database_sync_to_async(session.conversation_id)(
                self.visitor
            )
        if self.conversation_id is not None:
            await self.channel_layer.group_send(
                conversation_group(self.conversation_id),
                {"type": "chat.typing", "who": "visitor", "active": bool(content.get("active"))},
            )

    async def receipt(self, content: dict) -> None:
        status = content.get("status")
        if status in ("delivered", "read") and isinstance(content.get("id"), str):
            await database_sync_to_async(session.take_receipt)(self.visitor, content["id"], status)

    async def search(self, content: dict) -> None:
        query = clean_text(content.get("q"), 200)
        results = await database_sync_to_async(session.suggestions)(query, self.language)
        await self.send_json({"type": "suggestions", "q": query, "results": results})

    async def ping(self, content: dict) -> None:
        await self.send_json({"type": "pong"})

    async def refuse(self, code: str, cid: object = None, **extra) -> None:
        with translation.override(self.language):
            text = str(MESSAGES[code])
        error = {"type": "error", "code": code, "message": text, **extra}
        if isinstance(cid, str):
            error["client_id"] = cid[:64]
        await self.send_json(error)

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def chat_message(self, event: dict) -> None:
        await self.send_json({"type": "message", "message": event["message"]})

    async def chat_typing(self, event: dict) -> None:
        await self.send_json(
            {"type": "typing", "active": event.get("active", True), "name": event.get("name", "")}
        )


def _welcome(visitor: str, language: str) -> dict:
    return {
        **session.first_screen(language),
        "history": session.history(visitor),
        "conversation_id": session.conversation_id(visitor),
    }


def _client_id_of(text: str | None) -> str | None:
    """The client id of an over-long frame, read from its start, so the widget can drop it."""
    if not text:
        return None
    head = text[:300]
    marker = head.find('"client_id"')
    if marker < 0:
        return None
    rest = head[marker + 11 :].lstrip(" :")
    if not rest.startswith('"'):
        return None
    value = rest[1:].split('"', 1)[0]
    try:
        return client_id(value)
    except Refused:
        return None
