"""`bereikbaar manage restore SRC`: put a backup made by `bereikbaar manage backup` back, with
the server stopped, and bring the install to where the backup began, minus the erased.

The steps, in this order, each for a reason:

1. Check every copy (PRAGMA integrity_check) before anything is replaced.
2. Replace the database files, and delete their -wal and -shm files: SQLite would otherwise
   replay the old install's log onto the restored file.
3. `migrate` (both files): the backup may be older than the code.
4. File what the queue's copy still holds unfiled (the rows accepted before the backup began
   but not yet filed, or filed after the queue's copy was taken): a row filed already finds
   its message and stores nothing twice.
5. `reapply_erasures`: after the filing, so the messages of a person erased after the backup
   that step 4 just filed are erased as well, and no erased person comes back.

The media directory is merged back (the backup's files over the current ones); the secret key
is put back only when the data directory has none (the journal's hashes need the same key).
The erasure journal is never touched. Prints how long each step took: the restore time (RTO).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from bereikbaar.contacts import erasure_log
from bereikbaar.intake.management.commands.backup import MANIFEST, database_files, integrity
from bereikbaar.intake.worker import drain


class Command(BaseCommand):
    help = "Restore a backup made by `backup` (server stopped), refile the queue, re-erase."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="a directory made by `backup`")

    def handle(self, *args, source: Path, **options):
        manifest = self._manifest(source)
        started = time.monotonic()
        steps: list[tuple[str, float]] = []

        def step(name: str, began: float) -> None:
            steps.append((name, time.monotonic() - began))

        t = time.monotonic()
        files = database_files()
        for _alias, target in files:
            found = integrity(source / target.name)
            if found != "ok":
                raise CommandError(f"{source / target.name} is damaged: {found}")
        step("check", t)

        t = time.monotonic()
        connections.close_all()
        for _alias, target in files:
            _put_back(source / target.name, target)
        self._files_beside(source)
        step("replace", t)

        t = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        step("migrate", t)

        t = time.monotonic()
        filed = drain()
        step(f"file {filed} queued row(s)", t)

        t = time.monotonic()
        if erasure_log.path().exists():
            call_command("reapply_erasures", stdout=self.stdout, stderr=self.stderr)
        else:
            self.stderr.write(f"no erasure journal at {erasure_log.path()}: nobody re-erased")
        step("reapply erasures", t)

        done = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in steps)
        self.stdout.write(
            f"restored to {manifest['began_at']} in {time.monotonic() - started:.2f} s ({done})"
        )

    def _manifest(self, source: Path) -> dict:
        try:
            return json.loads((source / MANIFEST).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{source} is not a complete backup (no {MANIFEST}): {exc}") from exc

    def _files_beside(self, source: Path) -> None:
        data = Path(settings.DATA_DIR)
        if (source / "media").is_dir():
            shutil.copytree(source / "media", data / "media", dirs_exist_ok=True)
        key = data / "secret_key"
        if (source / "secret_key").exists() and not key.exists():
            shutil.copy2(source / "secret_key", key)
            key.chmod(0o600)


def _put_back(copy: Path, target: Path) -> None:
    """The copy in the database's place, copied under a temporary name and renamed; the old
    file's write-ahead log and index go first. The backup itself is only read: a restore
    that stopped half-way is simply run again."""
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(copy, partial)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(partial, target)
