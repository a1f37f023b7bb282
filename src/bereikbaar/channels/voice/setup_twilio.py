"""`bereikbaar channel add twilio-voice …`: a Twilio number as a human-first voice line.

Imports no models at module level: the CLI reads the flags before Django is set up.
"""

import argparse
from typing import TextIO

from bereikbaar.channels.voice import setup


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "a Twilio number as a human-first voice line"
    parser.add_argument("--account-sid", required=True, help="AC…")
    parser.add_argument("--auth-token", required=True, help="signs the webhooks")
    parser.add_argument("--number", required=True, help="the Twilio number, E.164")
    parser.add_argument("--public-url", default="", help="the base URL Twilio calls")
    parser.add_argument("--name", default="", help="said in the greeting")
    parser.add_argument("--team", default="", help="slug of the team that takes this line")
    parser.add_argument(
        "--api-base", default="https://api.twilio.com", help="Twilio's REST API (click-to-call)"
    )


def add(args: argparse.Namespace, out: TextIO) -> int:
    from bereikbaar.channels.voice.models import Line

    fields = setup.common(args, out)
    if fields is None or not fields["number"]:
        print("error: --number: the Twilio number is needed", file=out)
        return 2
    fields.update(
        kind=Line.Kind.TWILIO,
        account_sid=args.account_sid,
        auth_token=args.auth_token,
        public_url=args.public_url.rstrip("/"),
        api_base=args.api_base.rstrip("/"),
    )
    line, created = Line.objects.update_or_create(
        token=f"twilio:{fields['number']}", defaults=fields
    )
    base = line.public_url or "https://<your host>"
    print(f"Twilio voice line {line.number} {'added' if created else 'updated'}.", file=out)
    print(f"Voice webhook (A call comes in): {base}/channels/twilio/voice", file=out)
    print(f"Call status changes: {base}/channels/twilio/voice?step=status", file=out)
    return 0


def describe_all() -> list[dict]:
    return setup.describe_all("twilio")
