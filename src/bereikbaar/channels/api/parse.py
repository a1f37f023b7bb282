"""Parser registered with intake: the stored API payload becomes one InboundMessage."""

from bereikbaar.channels.api.payload import read
from bereikbaar.intake.message import InboundMessage


def parse(raw: bytes) -> list[InboundMessage]:
    payload = read(raw)
    return [
        InboundMessage(
            channel="api",
            provider_id=payload.external_id,
            identities=payload.identities,
            text=payload.text,
            html=payload.html,
            sender_name=payload.name,
        )
    ]
