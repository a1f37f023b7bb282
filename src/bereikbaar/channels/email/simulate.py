"""A customer's mail client, for the demo simulator and manual testing: real SMTP to our port."""

import smtplib
from email.message import EmailMessage
from email.utils import formataddr, make_msgid


def compose(
    sender: str, name: str, to: str, subject: str, text: str, in_reply_to: str = ""
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr((name, sender))
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "example.nl")
    if in_reply_to:
        mail["In-Reply-To"] = f"<{in_reply_to.strip('<>')}>"
        mail["References"] = f"<{in_reply_to.strip('<>')}>"
    mail.set_content(text)
    return mail


def send(mail: EmailMessage, port: int, host: str = "127.0.0.1") -> str:
    """Deliver to our receiver; returns the Message-ID (without brackets)."""
    with smtplib.SMTP(host, port, timeout=30) as client:
        client.send_message(mail)
    return str(mail["Message-ID"]).strip("<>")
