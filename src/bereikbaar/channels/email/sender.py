"""The email sender registered with delivery: an agent's reply over the inbox's SMTP server,
threaded (Message-ID, In-Reply-To, References) so the customer's mail client files it."""

import hashlib
import hmac
import html
import re
import smtplib
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import formataddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection

from bereikbaar.channels.email import envelope
from bereikbaar.channels.email.ids import addresses, ids_in, is_noreply
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.senders import SendError

if TYPE_CHECKING:
    from bereikbaar.channels.email.models import EmailInbox

TIMEOUT = 30
_AUTH_FAIL = re.compile(r"\b(spf|dkim|dmarc)=(fail|softfail)\b", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*((re|antw|aw|fw|fwd|doorst|wg)\s*:\s*)+", re.IGNORECASE)


@dataclass
class Thread:
    """What the reply answers: the customer's last mail in this conversation."""

    delivered_to: list[str] = field(default_factory=list)
    message_id: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    reply_to: str = ""
    auth_failed: bool = False  # the receiving server saw SPF, DKIM or DMARC fail


def send(message: Message) -> str:
    conversation = message.conversation
    thread = thread_of(message)
    to = _recipient(message, thread)
    if is_noreply(to):
        raise SendError(f"{to} does not accept replies (a no-reply address)", permanent=True)
    inbox = _inbox(thread.delivered_to)
    if inbox is None:
        raise SendError("no email inbox is set up to send from", permanent=True)
    provider_id = outbound_id(message.pk, inbox.address)
    headers = {"Message-ID": f"<{provider_id}>"}
    if message.author_id is None:  # a receipt, not a person: no auto-responder should answer
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    if thread.message_id:
        headers["In-Reply-To"] = f"<{thread.message_id}>"
        refs = [*thread.references, thread.message_id][-20:]
        headers["References"] = " ".join(f"<{r}>" for r in refs)
    subject = reply_subject(thread.subject or conversation.subject, conversation.pk)
    mail = EmailMultiAlternatives(
        subject=subject,
        body=message.text,
        from_email=formataddr((inbox.name, inbox.address)) if inbox.name else inbox.address,
        to=[to],
        headers=headers,
    )
    mail.attach_alternative(text_to_html(message.text), "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            mail.attach(attachment.filename, handle.read(), attachment.content_type)
    deliver(inbox, mail)
    return provider_id


def deliver(inbox: "EmailInbox", mail: EmailMultiAlternatives) -> None:
    """Send through the inbox's server; SMTP answers become SendErrors (5xx is permanent)."""
    try:
        mail.connection = connection_for(inbox)
        mail.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        reason = "; ".join(
            f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in exc.recipients.items()
        )
        raise SendError(reason, permanent=all(c >= 500 for c in codes)) from None
    except smtplib.SMTPResponseException as exc:
        reason = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        raise SendError(reason, permanent=exc.smtp_code >= 500) from None
    except BadHeaderError as exc:
        raise SendError(f"refused to send a bad header: {exc}", permanent=True) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"mail server unreachable: {exc}") from None


def connection_for(inbox: "EmailInbox"):
    if not inbox.smtp_host:
        return get_connection(fail_silently=False)  # Django's EMAIL_* settings
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=inbox.smtp_host,
        port=inbox.smtp_port,
        username=inbox.smtp_username or None,
        password=inbox.smtp_password or None,
        use_tls=inbox.smtp_security == "starttls",
        use_ssl=inbox.smtp_security == "tls",
        timeout=TIMEOUT,
        fail_silently=False,
    )


def outbound_id(message_pk: int, inbox_address: str) -> str:
    """Stable per message, so a retried send carries the same Message-ID."""
    domain = inbox_address.rpartition("@")[2] or "bereikbaar.invalid"
    key = settings.SECRET_KEY.encode()
    token = hmac.new(key, str(message_pk).encode(), hashlib.sha256).hexdigest()[:12]
    return f"bereikbaar.{message_pk}.{token}@{domain}"


def reply_subject(subject: str, conversation_pk: int) -> str:
    subject = " ".join(_PREFIX.sub("", subject or "").split())
    tag = f"[#{conversation_pk}]"
    if tag not in subject:
        subject = f"{subject} {tag}".strip()
    return f"Re: {subject}"


def text_to_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    inner = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f"<!DOCTYPE html><html><body>{inner}</body></html>"


def thread_of(message: Message) -> Thread:
    """The customer's last mail in the conversation, read back from the stored raw mail."""
    from bereikbaar.intake.models import Inbound

    last = (
        Message.objects.filter(
            conversation_id=message.conversation_id,
            channel="email",
            direction=Message.Direction.INBOUND,
            provider_id__isnull=False,
        )
        .order_by("-id")
        .first()
    )
    if last is None:
        return Thread()
    row = Inbound.objects.filter(channel="email", dedupe_key=last.provider_id).first()
    if row is None:
        return Thread(message_id=last.provider_id)
    env, raw = envelope.unwrap(bytes(row.payload))
    head = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    from bereikbaar.channels.email.parse import header

    return Thread(
        delivered_to=env["to"] + addresses(header(head, "To"), header(head, "Cc")),
        message_id=last.provider_id if not last.provider_id.startswith("sha256:") else "",
        references=ids_in(header(head, "References")),
        subject=header(head, "Subject"),
        reply_to=_first(addresses(header(head, "Reply-To"))),
        auth_failed=bool(_AUTH_FAIL.search(header(head, "Authentication-Results"))),
    )


def _recipient(message: Message, thread: Thread) -> str:
    emails = list(
        message.conversation.contact.identities.filter(kind="email").values_list("value", flat=True)
    )
    if not emails:
        raise SendError("the customer has no email address", permanent=True)
    if thread.reply_to and thread.reply_to in emails:
        return thread.reply_to
    return emails[0]


def _inbox(candidates: list[str]) -> "EmailInbox | None":
    """The inbox the customer wrote to, else the first one set up."""
    from bereikbaar.channels.email.models import EmailInbox

    inboxes = {i.address: i for i in EmailInbox.objects.filter(enabled=True).order_by("-id")}
    for address in candidates:
        if address in inboxes:
            return inboxes[address]
    return min(inboxes.values(), key=lambda i: i.id, default=None)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _first(items: list[str]) -> str:
    return items[0] if items else ""
