"""The inbound payload's shape, checked before anything is stored so bad input gets a 4xx."""

import json
from dataclasses import dataclass

from bereikbaar.contacts.normalise import InvalidIdentity, normalise

MAX_TEXT = 64 * 1024


class InvalidPayload(ValueError):
    """Says which field is wrong and how, for the 400 answer."""


@dataclass(frozen=True)
class ApiInbound:
    external_id: str
    name: str
    identities: list[tuple[str, str]]
    text: str
    html: str


def read(body: bytes) -> ApiInbound:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidPayload("the body is not valid JSON") from None
    except RecursionError:  # `[[[[…` a hundred thousand deep: refused, not a 500
        raise InvalidPayload("the JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise InvalidPayload("the body must be a JSON object")
    external_id = _string(data, "external_id", required=True, limit=255)
    sender = data.get("from")
    if not isinstance(sender, dict):
        raise InvalidPayload("'from' must be an object with 'email' and/or 'phone'")
    identities = []
    for kind in ("email", "phone"):
        value = _string(sender, kind, limit=320)
        if value:
            try:
                identities.append((kind, normalise(kind, value)))
            except InvalidIdentity as exc:
                raise InvalidPayload(f"from.{kind}: {exc}") from None
    if not identities:
        raise InvalidPayload("'from' needs an 'email' or a 'phone' to know who wrote")
    text = _string(data, "text", limit=MAX_TEXT)
    html = _string(data, "html", limit=MAX_TEXT)
    if not text.strip() and not html.strip():
        raise InvalidPayload("'text' is required and may not be empty")
    return ApiInbound(
        external_id=external_id,
        name=_string(sender, "name", limit=200),
        identities=identities,
        text=text,
        html=html,
    )


def _string(data: dict, key: str, *, required: bool = False, limit: int) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise InvalidPayload(f"'{key}' is required")
        return ""
    if not isinstance(value, str):
        raise InvalidPayload(f"'{key}' must be a string, not {type(value).__name__}")
    if "\x00" in value:
        raise InvalidPayload(f"'{key}' may not contain NUL characters")
    if required and not value.strip():
        raise InvalidPayload(f"'{key}' may not be empty")
    if len(value) > limit:
        raise InvalidPayload(f"'{key}' is longer than {limit} characters")
    return value
