"""`bereikbaar channel add twilio …` and the Twilio rows of `channel list`.

Imports no models at module level: the CLI reads the flags before Django is set up.
"""

import argparse
from typing import TextIO

DEFAULT_API_BASE = "https://api.twilio.com"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "a Twilio number for SMS"
    parser.add_argument("--account-sid", required=True, help="AC…")
    parser.add_argument("--auth-token", required=True, help="signs webhooks, authenticates sends")
    parser.add_argument("--number", required=True, help="the Twilio number, E.164")
    parser.add_argument("--api-base", default=DEFAULT_API_BASE, help="Twilio REST API base URL")
    parser.add_argument(
        "--public-url",
        default="",
        help="the base URL Twilio calls (behind a proxy), e.g. https://klantcontact.example.nl",
    )
    parser.add_argument("--name", default="", help="a name for agents")


def add(args: argparse.Namespace, out: TextIO) -> int:
    from bereikbaar.channels.sms.models import Account
    from bereikbaar.contacts.normalise import InvalidIdentity, normalise_phone

    try:
        number = normalise_phone(args.number)
    except InvalidIdentity as exc:
        print(f"error: --number: {exc}", file=out)
        return 2
    account, created = Account.objects.update_or_create(
        number=number,
        defaults={
            "account_sid": args.account_sid,
            "auth_token": args.auth_token,
            "api_base": args.api_base.rstrip("/"),
            "public_url": args.public_url.rstrip("/"),
            "name": args.name or f"SMS {number}",
        },
    )
    verb = "added" if created else "updated"
    print(f"Twilio number {account.number} {verb}.", file=out)
    base = account.public_url or "https://<your host>"
    print(f"Messaging webhook: {base}/channels/twilio/sms", file=out)
    return 0


def describe_all() -> list[dict]:
    from bereikbaar.channels.sms.models import Account

    return [
        {
            "kind": "twilio",
            "name": account.name or account.number,
            "number": account.number,
            "account_sid": account.account_sid,
            "api_base": account.api_base,
            "public_url": account.public_url,
            "webhook": "/channels/twilio/sms",
        }
        for account in Account.objects.order_by("id")
    ]
