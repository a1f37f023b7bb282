"""Storing a received mail: one committed INSERT (raw kept), keyed on Message-ID or its hash."""

from bereikbaar.channels.email import envelope
from bereikbaar.channels.email.ids import addresses, dedupe_key, message_id_of
from bereikbaar.intake.accept import Accepted, accept


def store(raw: bytes, *, to: list[str], sender: str = "", via: str = "smtp") -> Accepted:
    """Returns once committed; the same mail again (a retry, or IMAP and SMTP both) is a
    duplicate and stores nothing."""
    key = dedupe_key(message_id_of(raw), raw)
    order = _from_header(raw) or sender.lower()
    wrapped = envelope.wrap(raw, to=to, sender=sender, via=via)
    return accept("email", key, wrapped, order_key=f"email:{order}" if order else "")


def inbox_addresses() -> set[str]:
    from bereikbaar.channels.email.models import EmailInbox

    return set(EmailInbox.objects.filter(enabled=True).values_list("address", flat=True))


def _from_header(raw: bytes) -> str:
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0].decode("utf-8", "replace")
    for line in head.splitlines():
        if line[:5].lower() == "from:":
            found = addresses(line[5:])
            return found[0] if found else ""
    return ""
