"""A Twilio messaging webhook (form-encoded) → an InboundMessage or a DeliveryUpdate.

Inbound SMS/MMS carry Body, From, NumMedia and MediaUrl{N}; status callbacks carry
MessageStatus (and ErrorCode on failure). Unknown parameters are kept in `extra`.
"""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from bereikbaar.contacts.normalise import InvalidIdentity, normalise_phone
from bereikbaar.intake.message import DeliveryUpdate, InboundMessage
from bereikbaar.intake.registry import UnparseablePayload

CHANNEL = "sms"
STATUSES = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}
# The codes an agent meets most, in words (https://www.twilio.com/docs/api/errors)
ERRORS = {
    "21610": "de ontvanger heeft zich afgemeld (STOP)",
    "21211": "ongeldig 'To'-nummer",
    "21614": "het nummer kan geen sms ontvangen",
    "30003": "toestel onbereikbaar",
    "30004": "bericht geblokkeerd",
    "30005": "onbekend nummer",
    "30006": "vast nummer of onbereikbare provider",
    "30007": "door de provider gefilterd",
    "30008": "onbekende fout",
}
MEDIA_LIMIT = 10


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str


@dataclass(frozen=True)
class Item:
    message: InboundMessage
    sender: str  # E.164
    account_sid: str
    to: str
    opt_out_type: str = ""
    media: list[Media] = field(default_factory=list)


def form(raw: bytes) -> dict[str, str]:
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise UnparseablePayload("the form body is not UTF-8") from None
    return dict(pairs)


def is_status(params: dict[str, str]) -> bool:
    return "MessageStatus" in params


def parse(raw: bytes) -> list[InboundMessage | DeliveryUpdate]:
    item = parse_item(raw)
    return [item.message if isinstance(item, Item) else item] if item else []


def parse_item(raw: bytes) -> Item | DeliveryUpdate | None:
    params = form(raw)
    sid = params.get("MessageSid") or params.get("SmsMessageSid") or params.get("SmsSid") or ""
    if not sid:
        raise UnparseablePayload("no MessageSid in the webhook")
    if is_status(params):
        return _status(sid, params)
    sender = e164(params.get("From", ""))
    if not sender:
        raise UnparseablePayload(f"{sid} comes from an impossible number {params.get('From')!r}")
    media = []
    count = int(params["NumMedia"]) if params.get("NumMedia", "").isdigit() else 0
    for n in range(min(count, MEDIA_LIMIT)):
        if url := params.get(f"MediaUrl{n}"):
            media.append(Media(url, params.get(f"MediaContentType{n}", "")))
    text = params.get("Body", "")
    if media and not text:
        text = f"[mms: {len(media)} bijlage(n)]"
    known = {"Body", "From", "To", "MessageSid", "SmsMessageSid", "SmsSid", "AccountSid"}
    message = InboundMessage(
        channel=CHANNEL,
        provider_id=sid,
        identities=[("phone", sender)],
        text=text,
        extra={k: v for k, v in params.items() if k not in known},
    )
    return Item(
        message=message,
        sender=sender,
        account_sid=params.get("AccountSid", ""),
        to=e164(params.get("To", "")),
        opt_out_type=params.get("OptOutType", "").upper(),
        media=media,
    )


def _status(sid: str, params: dict[str, str]) -> DeliveryUpdate | None:
    mapped = STATUSES.get(params.get("MessageStatus", "").lower())
    if mapped is None:
        return None  # queued, accepted, sending …: nothing an agent needs to see move
    error = ""
    if mapped == "failed":
        code = params.get("ErrorCode", "")
        words = params.get("ErrorMessage") or ERRORS.get(code, "")
        error = f"{code} {words}".strip() or f"Twilio: {params.get('MessageStatus')}"
    return DeliveryUpdate(channel=CHANNEL, provider_id=sid, status=mapped, error=error)


def e164(number: str) -> str:
    try:
        return normalise_phone(number)
    except InvalidIdentity:
        return ""
