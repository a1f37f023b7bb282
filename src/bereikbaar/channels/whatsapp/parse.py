"""The Cloud API webhook payload → InboundMessages and DeliveryUpdates.

One POST may carry several entries × changes × messages and statuses. Every message type is
kept: the known ones get a readable text, an unknown one is stored as "unsupported" with its
raw JSON in `extra`, so an agent sees that something came. Untrusted input is read through
small accessors, never by blind indexing.
"""

import json
import re
from dataclasses import dataclass, field

from bereikbaar.contacts.normalise import InvalidIdentity, normalise_phone
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage, SetAside, storable
from bereikbaar.intake.registry import UnparseablePayload

CHANNEL = "whatsapp"
MEDIA_KINDS = ("image", "audio", "video", "document", "sticker")
MEDIA_LABELS = {
    "image": "[afbeelding]",
    "audio": "[spraakbericht]",
    "video": "[video]",
    "document": "[document]",
    "sticker": "[sticker]",
}
# Bidirectional controls: "invoice\u202efdp.exe" would show as "invoiceexe.pdf" (D5).
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
STATUSES = {"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed"}
REFERENCE_MAX = 512  # the most biz_opaque_callback_data Meta takes


@dataclass(frozen=True)
class Media:
    kind: str
    media_id: str
    mime_type: str
    filename: str


@dataclass(frozen=True)
class Item:
    """A parsed message with what intake does not carry: which number it came to, when,
    and its media (fetched later by a task)."""

    message: InboundMessage
    phone_number_id: str
    wa_id: str  # E.164
    timestamp: float | None
    media: list[Media] = field(default_factory=list)


def load(raw: bytes) -> dict:
    try:
        data = json.loads(raw)
        if _UNSTORABLE.search(raw):  # only an escape can carry NUL or a lone surrogate
            data = storable(data)  # a NUL or lone surrogate becomes U+FFFD, the message is filed
    except (ValueError, UnicodeDecodeError):
        raise UnparseablePayload("the body is not valid JSON") from None
    except RecursionError:
        raise UnparseablePayload("the JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise UnparseablePayload("the body must be a JSON object")
    return data


# Only an escape can carry NUL or a surrogate: a cheap test before walking the payload.
_UNSTORABLE = re.compile(rb"\\u(?:0000|d[89a-f])", re.IGNORECASE)


def parse(raw: bytes) -> list[InboundMessage | DeliveryUpdate | SetAside]:
    """The parser intake calls: messages and statuses in payload order."""
    return [item.message if isinstance(item, Item) else item for item in parse_items(raw)]


class ImpossibleSender(ValueError):
    """A message whose sender is no phone number at all: it cannot be filed under anyone."""


def _alone(data: dict, value: dict, msg: dict) -> bytes:
    """One message of a batch as a webhook of its own (same shape Meta sends), so setting it
    aside keeps it parseable for "process again"."""
    rest = {k: v for k, v in value.items() if k not in ("messages", "statuses")}
    change = {"field": "messages", "value": {**rest, "messages": [msg]}}
    envelope = {"object": data.get("object", "whatsapp_business_account"), "entry": []}
    envelope["entry"].append({"changes": [change]})
    return json.dumps(envelope, ensure_ascii=False).encode()


def parse_items(raw: bytes) -> list[Item | DeliveryUpdate | SetAside]:
    data = load(raw)
    out: list[Item | DeliveryUpdate | SetAside] = []
    for value in values(data):
        phone_number_id = _str(_dict(value.get("metadata")).get("phone_number_id"))
        names = {
            _str(c.get("wa_id")): _str(_dict(c.get("profile")).get("name"))
            for c in _dicts(value.get("contacts"))
        }
        for msg in _dicts(value.get("messages")):
            try:
                item = _message(msg, names, phone_number_id)
            except ImpossibleSender as exc:  # quarantined alone; the batch's others are filed
                out.append(SetAside(_str(msg.get("id")), str(exc), _alone(data, value, msg)))
                continue
            if item is not None:
                out.append(item)
        for status in _dicts(value.get("statuses")):
            update = _status(status)
            if update is not None:
                out.append(update)
    return out


def values(data: dict) -> list[dict]:
    """Every change.value of field "messages" in the payload."""
    found = []
    for entry in _dicts(data.get("entry")):
        for change in _dicts(entry.get("changes")):
            if _str(change.get("field")) in ("messages", ""):
                value = change.get("value")
                if isinstance(value, dict):
                    found.append(value)
    return found


def senders(data: dict) -> list[str]:
    """The customers' numbers (E.164) in the payload, in order, for the intake order key."""
    out = []
    for value in values(data):
        for msg in _dicts(value.get("messages")):
            if number := _e164(_str(msg.get("from"))):
                out.append(number)
    return out


def _message(msg: dict, names: dict[str, str], phone_number_id: str) -> Item | None:
    wamid = _str(msg.get("id"))
    wa_id = _str(msg.get("from"))
    number = _e164(wa_id)
    if not wamid:
        return None  # nothing to file it under; the raw payload stays in intake
    if not number:  # quarantined, visible and re-processable, rather than dropped
        raise ImpossibleSender(f"message {wamid} comes from an impossible number {wa_id!r}")
    kind = _str(msg.get("type")) or "unknown"
    text, media, extra = _content(kind, msg)
    context = _dict(msg.get("context"))
    references = [ref] if (ref := _str(context.get("id"))) else []
    if kind == "reaction" and (target := _str(_dict(msg.get("reaction")).get("message_id"))):
        references = [target]
    if context.get("forwarded") or context.get("frequently_forwarded"):
        text = "[doorgestuurd] " + text
    if referral := msg.get("referral"):
        extra["referral"] = referral
    extra["type"] = kind
    extra["phone_number_id"] = phone_number_id
    message = InboundMessage(
        channel=CHANNEL,
        provider_id=wamid,
        identities=[("whatsapp", number), ("phone", number)],
        text=text,
        sender_name=names.get(wa_id, ""),
        references=references,
        automated=kind == "system",
        extra=extra,
    )
    return Item(message, phone_number_id, number, _float(msg.get("timestamp")), media)


def _content(kind: str, msg: dict) -> tuple[str, list[Media], dict]:
    """A readable text, the media to fetch and anything else worth keeping."""
    body = _dict(msg.get(kind))
    if kind == "text":
        return _str(body.get("body")), [], {}
    if kind in MEDIA_KINDS:
        media_id = _str(body.get("id"))
        filename = _str(body.get("filename")).translate(BIDI_CONTROLS)
        caption = _str(body.get("caption"))
        label = MEDIA_LABELS[kind]
        if kind == "document" and filename:
            label = f"[document: {filename}]"
        text = f"{label} {caption}".strip()
        media = [Media(kind, media_id, _str(body.get("mime_type")), filename)] if media_id else []
        return text, media, {"media": body}
    if kind == "location":
        lines = ["[locatie]"]
        lines += [_str(body.get(k)) for k in ("name", "address") if _str(body.get(k))]
        lat, lon = body.get("latitude"), body.get("longitude")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            lines.append(f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
        return "\n".join(lines), [], {"location": body}
    if kind == "contacts":
        cards = _dicts(msg.get("contacts"))
        lines = [f"[contactkaart] {_card(card)}" for card in cards] or ["[contactkaart]"]
        return "\n".join(lines), [], {"contacts": cards}
    if kind == "interactive":
        reply_kind = _str(body.get("type"))
        reply = _dict(body.get(reply_kind))
        title = _str(reply.get("title")) or _str(reply.get("body"))
        if description := _str(reply.get("description")):
            title = f"{title} — {description}"
        return f"[keuze] {title}".strip(), [], {"interactive": body}
    if kind == "button":
        return f"[knop] {_str(body.get('text'))}".strip(), [], {"button": body}
    if kind == "reaction":
        emoji = _str(body.get("emoji"))
        text = f"[reactie] {emoji}" if emoji else "[reactie verwijderd]"
        return text, [], {"reaction": body}
    if kind == "system":
        return f"[systeem] {_str(body.get('body'))}".strip(), [], {"system": body}
    if kind == "order":
        items = _dicts(body.get("product_items"))
        return f"[bestelling] {len(items)} artikel(en)", [], {"order": body}
    # unsupported and types we do not know yet: kept with the raw message
    errors = _dicts(msg.get("errors"))
    detail = "; ".join(
        _str(e.get("title")) or _str(_dict(e.get("error_data")).get("details")) for e in errors
    )
    text = f"[niet ondersteund bericht: {kind}]" + (f" {detail}" if detail else "")
    return text, [], {"raw": msg}


def _card(card: dict) -> str:
    name = _str(_dict(card.get("name")).get("formatted_name"))
    phones = [_str(p.get("phone")) for p in _dicts(card.get("phones")) if _str(p.get("phone"))]
    emails = [_str(e.get("email")) for e in _dicts(card.get("emails")) if _str(e.get("email"))]
    return ", ".join([name, *phones, *emails]).strip(", ")


def _status(status: dict) -> DeliveryUpdate | None:
    wamid = _str(status.get("id"))
    mapped = STATUSES.get(_str(status.get("status")))
    if not wamid or mapped is None:
        return None  # e.g. "deleted", "warning": nothing that moves a delivery status
    error = ""
    for err in _dicts(status.get("errors")):
        details = _str(_dict(err.get("error_data")).get("details")) or _str(err.get("message"))
        error = f"{err.get('code', '')} {_str(err.get('title'))}".strip()
        if details and details != _str(err.get("title")):
            error = f"{error}: {details}"
        break
    return DeliveryUpdate(
        channel=CHANNEL,
        provider_id=wamid,
        status=mapped,
        error=error,
        at=_float(status.get("timestamp")),
        # What our send carried as biz_opaque_callback_data, echoed back (sender.py): it lets a
        # status whose wamid we never learnt (the send's answer was lost) find its message.
        reference=_str(status.get("biz_opaque_callback_data"))[:REFERENCE_MAX],
    )


def _e164(wa_id: str) -> str:
    digits = wa_id.strip().lstrip("+")
    if not digits.isdigit():
        return ""
    try:
        return normalise_phone("+" + digits)
    except InvalidIdentity:
        return ""


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _str(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
