"""Parsers by channel: each channel registers one function from raw payload to messages.

Intake never imports a channel; channels call register() from their AppConfig.ready().
"""

from collections.abc import Callable

from bereikbaar.intake.message import DeliveryUpdate, InboundMessage

# A payload may hold several messages and statuses (WhatsApp batches them).
Parser = Callable[[bytes], list[InboundMessage | DeliveryUpdate]]

_parsers: dict[str, Parser] = {}


class UnparseablePayload(ValueError):
    """The payload cannot become a message; the row goes to quarantine with this reason."""


def register(channel: str, parser: Parser) -> None:
    _parsers[channel] = parser


def parser_for(channel: str) -> Parser:
    try:
        return _parsers[channel]
    except KeyError:
        raise UnparseablePayload(f"no parser registered for channel {channel!r}") from None
