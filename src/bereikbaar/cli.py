"""The `bereikbaar` command: serve, worker, demo, token, and Django's own commands via manage."""

import argparse
import os
import sys


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bereikbaar.settings")
    import django

    django.setup()


def _migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    _migrate()
    from bereikbaar.server import serve

    serve(
        host=args.host,
        port=args.port,
        workers=not args.no_worker,
        intake_processes=args.intake_processes,
    )
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _django()
    from bereikbaar.server import run_workers

    run_workers(intake_only=args.intake_only)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    # the simulator receives the API channel's replies, so the whole path is real in the demo
    callback = f"http://{args.host}:{args.port}/simulator/callback"
    os.environ.setdefault("BEREIKBAAR_API_CALLBACK_URL", callback)
    _django()
    _migrate()
    from bereikbaar.demo.load import load_demo, print_logins
    from bereikbaar.server import serve

    load_demo(seed=args.seed, reset=args.reset)
    print_logins(args.host, args.port)
    serve(host=args.host, port=args.port, workers=True)
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    _django()
    from django.contrib.auth import get_user_model

    from bereikbaar.api.models import ApiToken

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        print(
            f"error: no user {args.username!r}; create one with "
            "'bereikbaar manage createsuperuser' or in the admin",
            file=sys.stderr,
        )
        return 2
    print(f"API token for {user.username} (shown once; keep it secret):")
    print(ApiToken.issue(user))
    return 0


def cmd_signals(args: argparse.Namespace) -> int:
    from bereikbaar.text.signals_cli import run

    return run(sys.stdin, sys.stdout)


def cmd_similar(args: argparse.Namespace) -> int:
    from bereikbaar.text.similar_cli import run

    return run(sys.stdin, sys.stdout)


def cmd_articles_import(args: argparse.Namespace) -> int:
    _django()
    _migrate()
    from bereikbaar.helpcenter.importer import import_file

    return import_file(args.file, out=sys.stdout)


# Each channel's set-up lives in its own folder: a module with configure(parser) and add(args).
CHANNEL_SETUP = {
    "email": "bereikbaar.channels.email.setup",
    "whatsapp": "bereikbaar.channels.whatsapp.setup",
    "twilio": "bereikbaar.channels.sms.setup",
    "cti": "bereikbaar.channels.voice.setup",
    "twilio-voice": "bereikbaar.channels.voice.setup_twilio",
}


def _channel_flags(module: str, kind_parser: argparse.ArgumentParser) -> None:
    """A channel's flags are defined in its folder (setup.py imports no models at load)."""
    from importlib import import_module

    try:
        import_module(module).configure(kind_parser)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        kind_parser.description = "not available yet"


def cmd_channel_add(args: argparse.Namespace) -> int:
    _django()
    _migrate()
    from importlib import import_module

    return import_module(CHANNEL_SETUP[args.kind]).add(args, out=sys.stdout)


def cmd_channel_list(args: argparse.Namespace) -> int:
    import json
    from importlib import import_module

    _django()
    _migrate()
    rows = []
    for module in CHANNEL_SETUP.values():
        try:
            rows += import_module(module).describe_all()
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue  # that channel has no set-up yet
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['kind']:<10} {row.get('name', '')}")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """Exit 0 ok, 1 degraded, 2 down: the codes monitoring plugins (Nagios, Icinga) read."""
    import json

    _django()
    from bereikbaar.intake.health import by_channel, check

    report = check()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(f"intake: {report.status}")
        for problem in report.problems:
            print(f"  - {problem}")
        if report.status != "down":
            print(f"{'channel':<10} {'last received':<20} {'waiting':>8} {'quarantined':>12}")
            for row in by_channel():
                last = row.last_received.strftime("%Y-%m-%d %H:%M:%S") if row.last_received else "-"
                print(f"{row.channel:<10} {last:<20} {row.waiting:>8} {row.quarantined:>12}")
    return {"ok": 0, "degraded": 1}.get(report.status, 2)


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bereikbaar.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bereikbaar manage", *args.rest])
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bereikbaar", description="human-first customer contact")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run HTTP, WebSockets and the workers in one process")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-worker", action="store_true", help="leave work to `bereikbaar worker`")
    serve.add_argument(
        "--intake-processes",
        type=int,
        default=0,
        metavar="N",
        help="file inbound messages in N child processes instead of a thread (busy sites)",
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the intake and task workers on their own")
    worker.add_argument(
        "--intake-only", action="store_true", help="only the intake worker (no tasks, no sweep)"
    )
    worker.set_defaults(func=cmd_worker)

    demo = sub.add_parser("demo", help="load the Dutch demo organisation and serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--reset", action="store_true", help="throw away the demo data first")
    demo.set_defaults(func=cmd_demo)

    token = sub.add_parser("token", help="API tokens")
    token_sub = token.add_subparsers(dest="action", required=True)
    create = token_sub.add_parser("create", help="create a token; printed on the last line")
    create.add_argument("username")
    create.set_defaults(func=cmd_token)

    signals = sub.add_parser(
        "signals", help="emotion, urgency and language for JSON Lines {id, text} on stdin"
    )
    signals.set_defaults(func=cmd_signals)

    similar = sub.add_parser(
        "similar", help="same question? JSON Lines {id, a, b} on stdin, a verdict per line out"
    )
    similar.set_defaults(func=cmd_similar)

    articles = sub.add_parser("articles", help="help-centre articles")
    articles_sub = articles.add_subparsers(dest="action", required=True)
    imp = articles_sub.add_parser("import", help="upsert articles from JSON Lines, by slug")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_articles_import)

    channel = sub.add_parser("channel", help="set up channels")
    channel_sub = channel.add_subparsers(dest="action", required=True)
    add = channel_sub.add_parser("add", help="add a channel")
    kinds = add.add_subparsers(dest="kind", required=True)
    for kind, module in CHANNEL_SETUP.items():
        kind_parser = kinds.add_parser(kind)
        kind_parser.set_defaults(func=cmd_channel_add)
        _channel_flags(module, kind_parser)
    listing = channel_sub.add_parser("list", help="the channels set up")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_channel_list)

    health = sub.add_parser(
        "health", help="is intake storing and filing? exit 0 ok, 1 degraded, 2 down"
    )
    health.add_argument("--json", action="store_true")
    health.set_defaults(func=cmd_health)

    manage = sub.add_parser("manage", help="any Django management command (migrate, …)")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
