"""The email parser registered with intake: a stored mail becomes one InboundMessage (or a
DeliveryUpdate when it is a bounce of a mail we sent, or nothing when it is our own mail)."""

import re
from email import policy
from email.feedparser import BytesFeedParser
from email.message import EmailMessage
from email.parser import BytesParser

from django.conf import settings

from bereikbaar.channels.email import envelope
from bereikbaar.channels.email.ids import addresses, dedupe_key, ids_in, message_id_of
from bereikbaar.channels.email.mime import Body, html_to_text, part_text, read_body
from bereikbaar.channels.email.quotes import forwarded_sender, strip_html_quotes, strip_quotes
from bereikbaar.channels.email.special_parts import notes_for
from bereikbaar.intake.message import DeliveryUpdate, InboundAttachment, InboundMessage
from bereikbaar.intake.registry import UnparseablePayload

CASE_REF = re.compile(r"\[#(\d{1,12})\]")
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatisch antwoord|automatic reply|auto:|autoreply|out of office|afwezig|"
    r"niet aanwezig|undeliverable|onbestelbaar|delivery status notification|"
    r"mail delivery failed|returned mail)",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)


def parse(stored: bytes) -> list[InboundMessage | DeliveryUpdate]:
    env, raw = envelope.unwrap(stored)
    # The key intake stored it under; hashed before parsing, so that a mail without a
    # Message-ID does not hold its hashing copies and its parsed tree at once (E3).
    provider_id = dedupe_key(message_id_of(raw), raw)
    message, body = _read(raw)
    if bounce := _bounce_of_ours(message):
        return [bounce]
    sender = _first(addresses(header(message, "From"), header(message, "Sender")))
    sender = sender or env["from"]
    if not sender:
        raise UnparseablePayload("the mail has no sender address (From, Sender or MAIL FROM)")
    own = _inbox_addresses()
    if sender in own:
        return []  # our own mail coming back round: a loop, kept raw in intake, not a message
    full_text = (body.text or html_to_text(body.html)).replace("\r\n", "\n").replace("\r", "\n")
    name = _display_name(message)
    forwarded = False
    if sender in _agent_addresses():
        if is_automated(message, sender):
            return []  # an agent's own out-of-office: nobody's case
        name, original = forwarded_sender(full_text)
        if not original or original in own or original in _agent_addresses():
            raise UnparseablePayload(
                f"mail from agent {sender} names no customer (no Van:/From: line of a forward)"
            )
        sender, forwarded = original, True
    text = full_text if forwarded else strip_quotes(full_text)
    html = body.html if forwarded or text == full_text.strip() else strip_html_quotes(body.html)
    attachments, notes = _attachments(body.attachments)
    notes += notes_for(body.attachments)
    keep_original = text != full_text.strip() or body.truncated
    if keep_original and len(raw) <= settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES:
        attachments.append(InboundAttachment("original.eml", "message/rfc822", raw))
    if body.truncated:
        notes.append("[dit bericht heeft meer delen dan getoond; zie original.eml]")
    subject = header(message, "Subject")
    ref = CASE_REF.search(subject)
    return [
        InboundMessage(
            channel="email",
            provider_id=provider_id,
            identities=[("email", sender)],
            text="\n\n".join(t for t in [text, *notes] if t),
            html=html,
            sender_name=name,
            language=_language(message),
            subject=subject[:300],
            attachments=attachments,
            references=_references(message),
            conversation_ref=int(ref.group(1)) if ref else None,
            automated=is_automated(message, sender),
            extra={"to": env["to"], "via": env["via"], "forwarded": forwarded},
        )
    ]


_SEMICOLONS = re.compile(rb";(?:[ \t]*;){16,}")
_PARAM_HEADER = re.compile(
    rb"^(content-(?:type|disposition)[ \t]*:)([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.I | re.M
)
MAX_PARAM_HEADER = 4096
FEED = 64 * 1024  # bytes handed to the MIME parser at a time


def _defuse(raw: bytes) -> bytes:
    """CPython's MIME parameter parser is quadratic (bpo-42909): 100,000 semicolons or
    parameters would hold the worker for minutes. Collapse and cap them before parsing; the
    stored raw mail is untouched. A mail with nothing to defuse (nearly all) is not copied."""
    if _SEMICOLONS.search(raw):
        raw = _SEMICOLONS.sub(b";", raw)

    def cap(match: re.Match) -> bytes:
        value = match.group(2)
        if len(value) <= MAX_PARAM_HEADER:
            return match.group(0)
        return match.group(1) + b" ".join(value[:MAX_PARAM_HEADER].split())

    if any(len(m.group(2)) > MAX_PARAM_HEADER for m in _PARAM_HEADER.finditer(raw)):
        raw = _PARAM_HEADER.sub(cap, raw)
    return raw


def _read(raw: bytes) -> tuple[EmailMessage, Body]:
    """The parsed mail and its bodies; nesting deeper than Python's stack gives headers only."""
    raw = _defuse(raw)
    try:
        message = _parse_bytes(raw)
        return message, read_body(message)
    except RecursionError:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
        return message, Body(truncated=True)


def _parse_bytes(raw: bytes) -> EmailMessage:
    """BytesParser(policy=default).parsebytes(raw), fed in slices (E3): parsebytes decodes the
    whole mail into one str and reads it back through a StringIO, which holds it at 4 bytes a
    character, so a 27 MB mail (a 20 MB attachment) peaked near 200 MB in the parser alone."""
    parser = BytesFeedParser(policy=policy.default)
    for start in range(0, len(raw), FEED):
        parser.feed(raw[start : start + FEED])
    return parser.close()


def header(message: EmailMessage, name: str) -> str:
    """A header as one clean line (encoded words decoded, no CR/LF); '' when unreadable."""
    try:
        value = message.get(name)
    except Exception:  # a malformed header the parser chokes on
        value = None
    if value is None:
        return ""
    return " ".join(undo_8bit(str(value)).split())


def undo_8bit(value: str) -> str:
    """Raw 8-bit bytes in a header (not RFC 2047, yet common) arrive as surrogates: decode."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def is_automated(message: EmailMessage, sender: str) -> bool:
    auto = header(message, "Auto-Submitted").lower()
    precedence = header(message, "Precedence").lower()
    return bool(
        (auto and auto != "no")
        or header(message, "X-Autoreply")
        or header(message, "X-Autorespond")
        or header(message, "X-Auto-Reply")
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or message.get_content_type() == "multipart/report"
        or _DAEMON.match(sender)
        or _AUTO_SUBJECT.match(header(message, "Subject"))
    )


def _references(message: EmailMessage) -> list[str]:
    refs = ids_in(header(message, "References"))
    for parent in ids_in(header(message, "In-Reply-To")):
        if parent in refs:
            refs.remove(parent)
        refs.append(parent)  # the direct parent, newest, last
    return refs[-50:]


def _bounce_of_ours(message: EmailMessage) -> DeliveryUpdate | None:
    """A delivery report about a mail we sent marks that mail failed, with the reason."""
    if message.get_content_type() != "multipart/report":
        return None
    from bereikbaar.conversations.models import Message

    returned, reason = "", ""
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            reason = _diagnostic(part)
        elif ctype in ("message/rfc822", "text/rfc822-headers") and not returned:
            returned = _returned_id(part)
    if not returned:
        return None
    ours = Message.objects.filter(
        channel="email", provider_id=returned, direction=Message.Direction.OUTBOUND
    ).exists()
    if not ours:
        return None
    return DeliveryUpdate(
        channel="email", provider_id=returned, status="failed", error=reason or "bounced"
    )


def _diagnostic(part: EmailMessage) -> str:
    text = part.as_string() if not part.is_multipart() else ""
    for sub in part.get_payload() if part.is_multipart() else []:
        text += str(sub)
    for key in ("Diagnostic-Code", "Status"):
        if match := re.search(rf"^{key}:[ \t]*(.+(?:\r?\n[ \t]+.+)*)", text, re.I | re.M):
            return " ".join(match.group(1).split())[:500]
    return ""


def _returned_id(part: EmailMessage) -> str:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        head = str(inner[0]) if inner else ""
    else:
        head = part_text(part)
    match = re.search(r"^message-id:\s*(<[^>]+>)", head, re.I | re.M)
    found = ids_in(match.group(1)) if match else []
    return found[0] if found else ""


def _attachments(items: list[tuple[str, str, bytes]]) -> tuple[list, list[str]]:
    limit = settings.BEREIKBAAR_MAX_ATTACHMENT_BYTES
    kept, notes = [], []
    for filename, ctype, data in items:
        if len(data) > limit:
            notes.append(f"[bijlage {filename} ({len(data)} bytes) is te groot om te bewaren]")
        else:
            kept.append(InboundAttachment(filename, ctype, data))
    return kept, notes


def attachment_at(stored: bytes, part: int) -> InboundAttachment | None:
    """Attachment number `part` of a stored mail, as parse() listed it, found again in the raw
    mail: the file the store could not take when the mail was filed (channels/email/pending.py).
    Only an original.eml can follow the parts; it is the raw mail itself."""
    _env, raw = envelope.unwrap(stored)
    _message, body = _read(raw)
    kept, _notes = _attachments(body.attachments)
    if part < len(kept):
        return kept[part]
    if part == len(kept):
        return InboundAttachment("original.eml", "message/rfc822", raw)
    return None


def _display_name(message: EmailMessage) -> str:
    try:
        mailbox = message["From"].addresses[0]
        name = mailbox.display_name
    except Exception:
        return ""
    return "".join(ch for ch in undo_8bit(name) if ch.isprintable())[:200]


def _inbox_addresses() -> set[str]:
    from bereikbaar.channels.email.receive import inbox_addresses

    return inbox_addresses()


def _agent_addresses() -> set[str]:
    from django.contrib.auth import get_user_model

    emails = get_user_model().objects.filter(is_active=True).exclude(email="")
    return {e.lower() for e in emails.values_list("email", flat=True)}


def _language(message: EmailMessage) -> str:
    """nl or en from Content-Language (Outlook sets it); '' when unknown."""
    value = header(message, "Content-Language").lower()[:2]
    return value if value in ("nl", "en") else ""


def _first(items: list[str]) -> str:
    return items[0] if items else ""
