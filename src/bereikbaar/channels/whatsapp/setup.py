"""`bereikbaar channel add whatsapp …` and the WhatsApp rows of `channel list`.

Imports no models at module level: the CLI reads the flags before Django is set up.
"""

import argparse
from typing import TextIO

DEFAULT_API_BASE = "https://graph.facebook.com/v21.0"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "a WhatsApp Business number on the Cloud API"
    parser.add_argument("--phone-number-id", required=True, help="the number's id in Meta")
    parser.add_argument("--app-secret", required=True, help="verifies X-Hub-Signature-256")
    parser.add_argument("--verify-token", required=True, help="the webhook handshake's token")
    parser.add_argument("--access-token", required=True, help="bearer token for the Graph API")
    parser.add_argument("--api-base", default=DEFAULT_API_BASE, help="Graph API base URL")
    parser.add_argument("--waba-id", default="", help="for listing the approved templates")
    parser.add_argument("--name", default="", help="a name for agents")


def add(args: argparse.Namespace, out: TextIO) -> int:
    from bereikbaar.channels.whatsapp.models import Account

    account, created = Account.objects.update_or_create(
        phone_number_id=args.phone_number_id,
        defaults={
            "app_secret": args.app_secret,
            "verify_token": args.verify_token,
            "access_token": args.access_token,
            "api_base": args.api_base.rstrip("/"),
            "waba_id": args.waba_id,
            "name": args.name or f"WhatsApp {args.phone_number_id}",
        },
    )
    verb = "added" if created else "updated"
    print(f"WhatsApp number {account.phone_number_id} {verb}.", file=out)
    print("Webhook URL: https://<your host>/channels/whatsapp/webhook", file=out)
    return 0


def describe_all() -> list[dict]:
    from bereikbaar.channels.whatsapp.models import Account

    return [
        {
            "kind": "whatsapp",
            "name": account.name or account.phone_number_id,
            "phone_number_id": account.phone_number_id,
            "waba_id": account.waba_id,
            "api_base": account.api_base,
            "webhook": "/channels/whatsapp/webhook",
        }
        for account in Account.objects.order_by("id")
    ]
