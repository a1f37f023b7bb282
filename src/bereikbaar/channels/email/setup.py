"""`bereikbaar channel add email …` and `channel list`: flags here, models only inside functions."""

import argparse
from typing import TextIO

SECURITY = ["none", "starttls", "tls"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "an email address: received over our SMTP port and/or an IMAP mailbox"
    parser.add_argument("--address", required=True, help="the address customers write to")
    parser.add_argument("--name", default="", help="display name on outgoing mail")
    parser.add_argument("--smtp-host", default="", help="outgoing server (default: EMAIL_HOST)")
    parser.add_argument("--smtp-port", type=int, default=587)
    parser.add_argument("--smtp-user", default="")
    parser.add_argument("--smtp-password", default="")
    parser.add_argument("--smtp-security", choices=SECURITY, default="starttls")
    parser.add_argument("--imap-host", default="", help="poll this mailbox (optional)")
    parser.add_argument("--imap-port", type=int, default=993)
    parser.add_argument("--imap-user", default="")
    parser.add_argument("--imap-password", default="")
    parser.add_argument("--imap-security", choices=SECURITY, default="tls")
    parser.add_argument("--imap-folder", default="INBOX")
    parser.add_argument("--imap-move-to", default="", help="move mail here after import")
    parser.add_argument("--acknowledge", action="store_true", help="send new customers a receipt")


def add(args: argparse.Namespace, out: TextIO) -> int:
    from bereikbaar.channels.email.models import EmailInbox
    from bereikbaar.contacts.normalise import InvalidIdentity, normalise_email

    try:
        address = normalise_email(args.address)
    except InvalidIdentity as exc:
        print(f"error: {exc}", file=out)
        return 2
    fields = {
        "name": args.name,
        "smtp_host": args.smtp_host,
        "smtp_port": args.smtp_port,
        "smtp_username": args.smtp_user,
        "smtp_password": args.smtp_password,
        "smtp_security": args.smtp_security,
        "imap_host": args.imap_host,
        "imap_port": args.imap_port,
        "imap_username": args.imap_user,
        "imap_password": args.imap_password,
        "imap_security": args.imap_security,
        "imap_folder": args.imap_folder,
        "imap_move_to": args.imap_move_to,
        "acknowledge": args.acknowledge,
        "enabled": True,
    }
    inbox, created = EmailInbox.objects.update_or_create(address=address, defaults=fields)
    print(f"email inbox {inbox.address} {'added' if created else 'updated'}", file=out)
    return 0


def describe_all() -> list[dict]:
    from bereikbaar.channels.email.models import EmailInbox

    return [describe(inbox) for inbox in EmailInbox.objects.order_by("id")]


def describe(inbox) -> dict:
    """Everything but the passwords."""
    return {
        "kind": "email",
        "name": inbox.address,
        "address": inbox.address,
        "display_name": inbox.name,
        "enabled": inbox.enabled,
        "smtp_host": inbox.smtp_host,
        "smtp_port": inbox.smtp_port,
        "imap_host": inbox.imap_host,
        "imap_port": inbox.imap_port,
        "imap_folder": inbox.imap_folder,
        "imap_last_uid": inbox.imap_last_uid,
        "imap_error": inbox.imap_error,
        "acknowledge": inbox.acknowledge,
    }
