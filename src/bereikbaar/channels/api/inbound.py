"""Accepting an API-channel message: validate, then one durable INSERT keyed by external_id."""

from bereikbaar.channels.api.payload import read
from bereikbaar.intake.accept import Accepted, accept


def accept_api_message(body: bytes) -> Accepted:
    """Raises InvalidPayload (nothing stored) or returns the accepted row, new or duplicate."""
    payload = read(body)
    kind, value = payload.identities[0]
    return accept("api", payload.external_id, body, order_key=f"{kind}:{value}")
