"""SMTP ingestion through the real receiver (concurrency 1 and 4) into bench/RESULTS.md.

The measuring itself lives with the channel (bereikbaar.channels.email.bench); this script runs
it and files its table under "## Email ingestion (SMTP)".
"""

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

from results import write_section

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    print(f"SMTP ingestion: {args.messages} mails at concurrency 1 and 4 …", flush=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    table = subprocess.run(
        [sys.executable, "-m", "bereikbaar.channels.email.bench", "--messages", str(args.messages)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    print(table)
    write_section(
        "## Email ingestion (SMTP)\n\n"
        f"- **Date:** {started}; **command:** `make bench` "
        f"(`.venv/bin/python bench/email_ingest.py --messages {args.messages}`)\n"
        f"- **Machine:** {platform.machine()}, Python {platform.python_version()}; client and "
        "server share the machine's 2 CPUs\n"
        "- Real smtplib clients into the running receiver (SQLite, in-process intake worker); "
        "*accepted* = 250 answers, sent only after the raw mail is committed; *processed* = "
        "filed in a conversation.\n\n" + table
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
