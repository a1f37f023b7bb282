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

    serve(host=args.host, port=args.port, workers=not args.no_worker)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _django()
    from bereikbaar.server import run_workers

    run_workers()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
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
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the intake and task workers on their own")
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

    manage = sub.add_parser("manage", help="any Django management command (migrate, …)")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
