"""Which HTML is a message's original: the one the sender wrote, before nh3 cleaned it.

Intake keeps every payload raw (until erasure or retention blanks it). For a channel whose
registered parser only reads (email), the raw payload is parsed again with that parser, so the
original is exactly the HTML the channel read from the mail (for a reply, like the timeline,
up to the quoted history), without this package importing a channel. The row is found by the
dedupe key the channel stored it under when that key is the message's provider id (email's
Message-ID key) and the row names the message. Anything else (no row, a blanked payload, a
parser that writes, a payload that no longer parses) falls back to the sanitised HTML the
timeline shows, and says so.

Whatever this returns is hostile until proven otherwise: it is only ever served by the
sandboxed view in original_views.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from bereikbaar.conversations.models import Message
from bereikbaar.intake import registry
from bereikbaar.intake.message import InboundMessage
from bereikbaar.intake.models import Inbound


@dataclass(frozen=True)
class Original:
    html: str
    kept: bool  # True: the sender's own HTML; False: only the sanitised copy is left


def original_of(message: Message) -> Original:
    raw = _raw_payload(message)
    if raw and registry.reads_only(message.channel):
        for item in _parse(message.channel, raw):
            if isinstance(item, InboundMessage) and item.provider_id == message.provider_id:
                if item.html:
                    return Original(item.html, kept=True)
    return Original(message.html, kept=False)


def _raw_payload(message: Message) -> bytes:
    if not message.provider_id or message.direction != Message.Direction.INBOUND:
        return b""
    row = (
        Inbound.objects.filter(
            channel=message.channel,
            dedupe_key=message.provider_id,
            status=Inbound.Status.PROCESSED,
        )
        .only("payload", "message_ids")
        .first()
    )
    if row is None or message.pk not in (row.message_ids or []):
        return b""
    return bytes(row.payload or b"")


def _parse(channel: str, raw: bytes) -> list:
    try:
        return registry.parser_for(channel)(raw)
    except Exception:  # a payload the parser no longer takes: show the sanitised copy instead
        return []
