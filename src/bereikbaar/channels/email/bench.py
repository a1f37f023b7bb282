"""SMTP ingestion throughput through the real receiver: `python -m bereikbaar.channels.email.bench`.

Starts a server process (SMTP receiver + intake worker, SQLite in a fresh data directory),
sends N mails with smtplib at concurrency 1 and 4 from this process, and prints a Markdown
table: accepted/s (250 answers) and processed/s (filed in a conversation). For bench/RESULTS.md.
"""

import argparse
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ADDRESS = "service@bench.example"


def mail(i: int, run: str) -> bytes:
    customer = f"klant{i % 200}@example.nl"
    return (
        f"From: Klant {i % 200} <{customer}>\r\nTo: {ADDRESS}\r\nSubject: Vraag {i}\r\n"
        f"Message-ID: <bench-{run}-{i}@example.nl>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Goedemiddag, mijn bestelling {i} is nog niet aangekomen. Kunt u kijken waar die"
        " blijft?\r\n\r\nMet vriendelijke groet,\r\nKlant\r\n"
    ).encode()


def serve(port: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from bereikbaar.channels.email.models import EmailInbox
    from bereikbaar.channels.email.smtp import start_receiver
    from bereikbaar.intake.worker import run_forever
    from bereikbaar.routing.models import Team

    call_command("migrate", interactive=False, verbosity=0)
    EmailInbox.objects.get_or_create(address=ADDRESS)
    Team.objects.get_or_create(slug="service", defaults={"name": "Service", "is_default": True})
    start_receiver("127.0.0.1", port)
    print("ready", flush=True)
    run_forever(threading.Event())


def load(port: int, count: int, concurrency: int, run: str) -> tuple[float, int]:
    def send(chunk: range) -> int:
        errors = 0
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
            for i in chunk:
                try:
                    client.sendmail(f"klant{i % 200}@example.nl", [ADDRESS], mail(i, run))
                except smtplib.SMTPException:
                    errors += 1
        return errors

    chunks = [range(k, count, concurrency) for k in range(concurrency)]
    started = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        errors = sum(pool.map(send, chunks))
    return time.monotonic() - started, errors


def processed_rate(run: str, count: int) -> tuple[float, int]:
    from django.db.models import Max, Min

    from bereikbaar.intake.models import Inbound

    rows = Inbound.objects.filter(dedupe_key__startswith=f"bench-{run}-")
    deadline = time.monotonic() + 300
    while rows.filter(status="processed").count() < count and time.monotonic() < deadline:
        time.sleep(0.2)
    span = rows.aggregate(first=Min("received_at"), last=Max("processed_at"))
    done = rows.filter(status="processed").count()
    seconds = (span["last"] - span["first"]).total_seconds() if span["last"] else 0
    return (done / seconds if seconds else 0.0), done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bereikbaar.settings")
    if args.serve:
        serve(args.serve)
        return 0
    data = tempfile.mkdtemp(prefix="bereikbaar-smtp-bench-")
    os.environ["BEREIKBAAR_DATA_DIR"] = data
    from socket import socket

    with socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "bereikbaar.channels.email.bench", "--serve", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "BEREIKBAAR_LOG_LEVEL": "WARNING"},
    )
    try:
        assert server.stdout.readline().strip() == "ready", "the bench server did not start"
        import django

        django.setup()
        print("| concurrency | mails | accepted/s (250 after commit) | processed/s | errors |")
        print("|---|---|---|---|---|")
        for concurrency in (1, 4):
            run = f"c{concurrency}"
            seconds, errors = load(port, args.messages, concurrency, run)
            rate, done = processed_rate(run, args.messages - errors)
            print(
                f"| {concurrency} | {args.messages} | {args.messages / seconds:,.0f} |"
                f" {rate:,.0f} ({done} filed) | {errors} |"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
