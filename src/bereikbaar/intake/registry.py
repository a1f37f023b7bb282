"""Parsers by channel: each channel registers one function from raw payload to messages.

Intake never imports a channel; channels call register() from their AppConfig.ready().
"""

from collections.abc import Callable

from bereikbaar.intake.message import DeliveryUpdate, InboundMessage

# A payload may hold several messages and statuses (WhatsApp batches them).
Parser = Callable[[bytes], list[InboundMessage | DeliveryUpdate]]

_parsers: dict[str, Parser] = {}
_reads_only: set[str] = set()


class UnparseablePayload(ValueError):
    """The payload cannot become a message; the row goes to quarantine with this reason."""


def register(channel: str, parser: Parser, reads_only: bool = False) -> None:
    """`reads_only`: the parser writes nothing to the database, so the worker may run it
    before taking SQLite's write turn (the webhooks waiting for that turn need not wait for
    MIME parsing or text analysis)."""
    _parsers[channel] = parser
    if reads_only:
        _reads_only.add(channel)
    else:
        _reads_only.discard(channel)


def reads_only(channel: str) -> bool:
    return channel in _reads_only


def parser_for(channel: str) -> Parser:
    try:
        return _parsers[channel]
    except KeyError:
        raise UnparseablePayload(f"no parser registered for channel {channel!r}") from None
