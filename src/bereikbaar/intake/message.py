"""What parsers produce: InboundMessage (a customer wrote), DeliveryUpdate (a status came) and
SetAside (one part of a batch that cannot be filed, quarantined alone).

This is the contract between every channel and intake, whatever the provider sent.
"""

from dataclasses import dataclass, field, fields


def storable(value: object) -> object:
    """Text every database takes: NUL (PostgreSQL refuses it) and lone surrogates (not
    encodable as UTF-8) become U+FFFD, in strings and in the lists and dicts that hold them.
    A message carrying one used to be quarantined whole on PostgreSQL; the raw bytes stay in
    intake as they came."""
    if isinstance(value, str):
        if "\x00" in value or not _encodable(value):
            value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return value.replace("\x00", "\ufffd")
        return value
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(storable(v) for v in value)
    return value


# Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and invisible
# spaces (U+200B, U+2060, U+FEFF). In a one-line label they make "factuur<U+202E>fdp.exe"
# show as "factuurexe.pdf" and let one name pass for another (catalogue D5). Zero-width
# joiners stay: emoji sequences and Persian script need them.
_HIDDEN = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0xFEFF])


def plain_label(text: str) -> str:
    """A name, subject or file name as a person must see it: without the hidden controls."""
    return text if text.isascii() else text.translate(_HIDDEN)


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes

    def __post_init__(self) -> None:
        _make_storable(self)
        _plain_labels(self, "filename")


@dataclass(frozen=True)
class InboundMessage:
    channel: str  # one of conversations.models.CHANNELS
    provider_id: str  # unique per channel: a second one with this id is the same message
    # (kind, value) pairs as the provider gave them; normalised by contacts on resolve.
    identities: list[tuple[str, str]]
    text: str = ""
    html: str = ""  # raw; ingest sanitises it
    sender_name: str = ""
    subject: str = ""
    language: str = ""
    attachments: list[InboundAttachment] = field(default_factory=list)
    # Threading hints, strongest first: provider ids this message answers (email In-Reply-To /
    # References, newest last), then a conversation number the customer quoted ("[#1234]").
    references: list[str] = field(default_factory=list)
    conversation_ref: int | None = None
    # Auto-replies and bounces: recorded, never answered, never reopen a resolved case.
    automated: bool = False
    # Anything else the provider sent that an agent may want to see (kept as JSON).
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        _make_storable(self)
        _plain_labels(self, "sender_name", "subject")


def _plain_labels(item, *names: str) -> None:
    for name in names:
        value = getattr(item, name)
        if (plain := plain_label(value)) != value:
            object.__setattr__(item, name, plain)


def _make_storable(item) -> None:
    """Whatever a channel's parser read, every text field can be stored (see storable())."""
    for f in fields(item):
        value = getattr(item, f.name)
        if isinstance(value, str | list | dict):
            cleaned = storable(value)
            if cleaned is not value and cleaned != value:
                object.__setattr__(item, f.name, cleaned)


@dataclass(frozen=True)
class DeliveryUpdate:
    """The provider's word on a message we sent: sent, delivered, read or failed.

    `reference`: a string of ours the provider echoes back with the status (WhatsApp's
    `biz_opaque_callback_data`), so a status naming an id we never recorded (the send's answer
    was lost) can still be matched to its message; "" when the provider sent none.
    """

    channel: str
    provider_id: str  # the id the provider gave our outbound message
    status: str  # one of conversations.models.Message.Delivery
    error: str = ""
    at: float | None = None  # the provider's timestamp (epoch seconds), when given
    reference: str = ""


@dataclass(frozen=True)
class SetAside:
    """One part of a payload that cannot be filed (a message from an impossible number, say).

    The worker stores it as a quarantined row of its own, visible and re-processable, and files
    the rest of the payload: one bad message in a provider's batch must not hold up the good
    ones. `payload` is that part alone in the channel's own format, so "process again" parses
    it like any other row once the cause is fixed.
    """

    key: str  # unique within its payload (the provider's id of that part)
    reason: str
    payload: bytes
