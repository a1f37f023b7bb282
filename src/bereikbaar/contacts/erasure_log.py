"""A journal of erasures kept beside the database, so restoring a backup cannot bring an
erased person back.

A backup taken on Monday still holds the customer erased on Wednesday. Each committed erasure
appends one line to the journal: when, the contact's id and the keyed hashes of its identities
(the same digests as the tombstones, so the journal holds no personal data). After a restore,
`bereikbaar manage reapply_erasures` erases every contact that owns an identity named in the
journal and puts the tombstones back. Keep the journal outside what the backup restores
(BEREIKBAAR_ERASURE_LOG; default: the data dir).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def path() -> Path:
    configured = getattr(settings, "BEREIKBAAR_ERASURE_LOG", "")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "erasures.jsonl"


def append(contact_id: int, digests: list[str]) -> None:
    """One line per erasure, synced to disk: it must outlive the database it describes."""
    line = {"at": timezone.now().isoformat(), "contact": contact_id, "digests": sorted(digests)}
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as journal:
        journal.write(json.dumps(line) + "\n")
        journal.flush()
        os.fsync(journal.fileno())


def digests(source: Path | None = None) -> set[str]:
    """Every identity digest the journal names; a damaged line is skipped, not fatal."""
    found: set[str] = set()
    target = source or path()
    if not target.exists():
        return found
    for raw in target.read_text(encoding="utf-8").splitlines():
        try:
            found.update(str(d) for d in json.loads(raw).get("digests", []))
        except (ValueError, AttributeError):
            continue
    return found
