"""`bereikbaar manage backup DEST`: a consistent copy of an embedded (SQLite) install, taken
while it serves. Restore it with `bereikbaar manage restore DEST` (restore.py).

A command, not two hand-typed `sqlite3 … .backup` calls, because the order of the two files
decides whether a message can be lost, and because a copy is only a backup once checked:

- The queue's file first, then the main file. The worker commits a filing in the main file and
  marks the queue's row "processed" after that (intake/router.py). Copied the other way round,
  a row filed and marked between the two copies is "processed" in the queue's copy but missing
  from the main copy: lost for good. Queue first, that row is still "accepted" in the queue's
  copy and is filed again after a restore, which stores nothing twice (a message is unique per
  channel and provider id). The recovery point is therefore the moment the queue's copy began:
  every message accepted before it is in the backup, filed or waiting to be.
- In the queue's copy, rows a worker had claimed ("processing") go back to "accepted": no
  worker of the restored install owns them, and they would wait for the five-minute sweep.
- Each copy is written under a temporary name, must pass PRAGMA integrity_check, and only then
  gets its name; manifest.json (written last) says when the backup began, so a half-made backup
  never looks complete.
- The secret key (tombstones and the erasure journal are keyed by it) and media/ (attachments)
  are copied too, media after the databases: an attachment's file is written before its row,
  so every row in the copy finds its file. The erasure journal is not copied: it must outlive
  what a restore puts back.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bereikbaar.intake.router import queue_db

MANIFEST = "manifest.json"


def database_files() -> list[tuple[str, Path]]:
    """(alias, file) of every SQLite database, the queue's first: the order a backup needs."""
    aliases = [queue_db()] + [a for a in connections if a != queue_db()]
    if any(connections[a].vendor != "sqlite" for a in aliases):
        raise CommandError(
            "backup copies SQLite files; for PostgreSQL use pg_dump or point-in-time recovery"
        )
    return [(alias, Path(connections[alias].settings_dict["NAME"])) for alias in aliases]


def integrity(path: Path) -> str:
    """'ok', or what SQLite found wrong with the file."""
    with sqlite3.connect(path) as db:
        return "; ".join(row[0] for row in db.execute("PRAGMA integrity_check"))


def copy_database(source: Path, target: Path, queue: bool) -> None:
    """The online backup API, all pages in one step: one read transaction, so one consistent
    moment, while writers go on (WAL). Checked, then renamed into place."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)  # only read; read-only mode needs the -shm file
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
        if queue:  # nobody works on the copy's claimed rows: give them back
            dst.execute(
                "UPDATE intake_inbound SET status = 'accepted', claimed_by = ''"
                " WHERE status = 'processing'"
            )
            dst.commit()
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dst.close()
        src.close()
    found = integrity(partial)
    if found != "ok":
        raise CommandError(f"the copy of {source} is damaged: {found}")
    os.replace(partial, target)


class Command(BaseCommand):
    help = "Copy the SQLite databases (queue first), the secret key and media/ to DEST."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("dest", type=Path, help="a new or empty directory")

    def handle(self, *args, dest: Path, **options):
        files = database_files()
        if dest.exists() and any(dest.iterdir()):
            raise CommandError(f"{dest} is not empty: give a new directory for each backup")
        dest.mkdir(parents=True, exist_ok=True)
        began = datetime.now(UTC)
        started = time.monotonic()
        for alias, source in files:
            copy_database(source, dest / source.name, queue=alias == queue_db())
        data = Path(settings.DATA_DIR)
        if (data / "secret_key").exists():
            shutil.copy2(data / "secret_key", dest / "secret_key")
        if (data / "media").is_dir():
            shutil.copytree(data / "media", dest / "media")
        manifest = {
            "began_at": began.isoformat(),
            "seconds": round(time.monotonic() - started, 3),
            "databases": {alias: source.name for alias, source in files},
        }
        (dest / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        self.stdout.write(
            f"backup in {dest}: {', '.join(s.name for _a, s in files)} checked;"
            f" recovery point {manifest['began_at']} ({manifest['seconds']} s)"
        )
