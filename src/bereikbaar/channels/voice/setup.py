"""`bereikbaar channel add cti --token T …` and the CTI rows of `channel list`.

Imports no models at module level: the CLI reads the flags before Django is set up.
"""

import argparse
from typing import TextIO


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "a telephone line whose PBX posts CTI events to /channels/cti"
    parser.add_argument("--token", required=True, help="the PBX sends it (Bearer or ?token=)")
    parser.add_argument("--name", default="", help="a name for agents")
    parser.add_argument("--number", default="", help="the line's number (any spelling)")
    parser.add_argument("--team", default="", help="slug of the team that takes this line")
    parser.add_argument("--block", action="append", default=[], help="a number to reject")
    parser.add_argument(
        "--dial-url",
        default="",
        help="the PBX's click-to-dial URL: agents' click-to-call POSTs "
        '{"extension", "number", "callId"} there',
    )
    parser.add_argument(
        "--signing-secret",
        default=None,
        help="optional: then every event must carry X-Bereikbaar-Timestamp and "
        "X-Bereikbaar-Signature (HMAC-SHA256 of 'timestamp.body'); '' turns it off",
    )


def add(args: argparse.Namespace, out: TextIO) -> int:
    from bereikbaar.channels.voice.models import Line

    fields = common(args, out)
    if fields is None:
        return 2
    fields["blocked"] = []
    for raw in args.block:
        number = number_flag(raw, "--block", out)
        if number is None:
            return 2
        fields["blocked"].append(number)
    fields["dial_url"] = args.dial_url
    if args.signing_secret is not None:  # left out: a re-run keeps the secret it had
        fields["signing_secret"] = args.signing_secret
    line, created = Line.objects.update_or_create(token=args.token, defaults=fields)
    print(f"CTI line {line.name!r} {'added' if created else 'updated'}.", file=out)
    print("Events: POST /channels/cti with 'Authorization: Bearer <token>'", file=out)
    if line.signing_secret:
        print("Signed: X-Bereikbaar-Timestamp and X-Bereikbaar-Signature required", file=out)
    return 0


def describe_all(kind: str = "cti") -> list[dict]:
    from bereikbaar.channels.voice.models import Line

    return [
        {
            "kind": "cti" if line.kind == Line.Kind.CTI else "twilio-voice",
            "name": line.name,
            "number": line.number,
            "team": line.team.slug if line.team else "",
            "webhook": "/channels/cti" if line.kind == Line.Kind.CTI else "/channels/twilio/voice",
        }
        for line in Line.objects.filter(kind=kind).select_related("team").order_by("id")
    ]


def common(args: argparse.Namespace, out: TextIO) -> dict | None:
    from bereikbaar.routing.models import Team

    number = number_flag(args.number, "--number", out) if args.number else ""
    if number is None:
        return None
    team = None
    if args.team:
        team = Team.objects.filter(slug=args.team).first()
        if team is None:
            print(f"error: --team: no team {args.team!r}", file=out)
            return None
    return {"name": args.name or number or "Telefoon", "number": number, "team": team}


def number_flag(raw: str, flag: str, out: TextIO) -> str | None:
    from bereikbaar.contacts.normalise import InvalidIdentity, normalise_phone

    try:
        return normalise_phone(raw)
    except InvalidIdentity as exc:
        print(f"error: {flag}: {exc}", file=out)
        return None
