"""`bereikbaar articles import FILE`: JSON Lines, upsert by slug.

One object per line: {"slug", "title", "body" (Markdown), "language", "tags"}; optional
"category" and "status" ("published" or "draft"). A bad line is reported with its line number
and skipped; the exit code is 1 if any line failed.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import TextIO

from django.db import transaction

from bereikbaar.helpcenter.models import Article

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PROGRESS_EVERY = 100


class BadLine(ValueError):
    pass


def _str(obj: dict, key: str, max_len: int, required: bool = True) -> str:
    value = obj.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadLine(f"{key!r} must be a string")
    value = value.strip() if key != "body" else value
    if required and not value:
        raise BadLine(f"{key!r} is missing or empty")
    if len(value) > max_len:
        raise BadLine(f"{key!r} is longer than {max_len} characters")
    return value


def parse_line(line: str) -> dict:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise BadLine(f"not valid JSON ({e.msg})") from None
    if not isinstance(obj, dict):
        raise BadLine("not a JSON object")
    slug = _str(obj, "slug", 120)
    if not SLUG.match(slug):
        raise BadLine(f"slug {slug!r} must be lowercase letters, digits and hyphens")
    language = _str(obj, "language", 2, required=False) or "nl"
    if language not in {code for code, _ in Article.LANGUAGES}:
        raise BadLine(f"language {language!r} is not one of nl, en")
    tags = obj.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadLine("'tags' must be a list of strings")
    status = _str(obj, "status", 16, required=False) or Article.Status.PUBLISHED
    if status not in Article.Status.values:
        raise BadLine(f"status {status!r} is not one of published, draft")
    return {
        "slug": slug,
        "title": _str(obj, "title", 200),
        "body": _str(obj, "body", 200_000, required=False),
        "language": language,
        "tags": [t.strip()[:50] for t in tags if t.strip()][:30],
        "category": _str(obj, "category", 80, required=False),
        "status": status,
    }


def upsert(data: dict) -> tuple[Article, bool]:
    """Create or update the article with this slug; returns (article, created)."""
    article = Article.objects.filter(slug=data["slug"]).first()
    created = article is None
    if created:
        article = Article(slug=data["slug"])
    for key in ("title", "body", "language", "tags", "category", "status"):
        setattr(article, key, data[key])
    article.save(note="import")
    return article, created


def import_file(path: str | Path, out: TextIO | None = None) -> int:
    """Import articles from a JSON Lines file; progress and errors go to ``out``."""
    out = out or sys.stdout
    created = updated = failed = 0
    try:
        fh = open(path, "rb")  # noqa: SIM115
    except OSError as e:
        print(f"error: cannot open {path}: {e.strerror}", file=out)
        return 1
    print(f"importing {path}", file=out, flush=True)
    with fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8").lstrip("\ufeff")
            except UnicodeDecodeError:
                print(f"line {lineno}: skipped: not valid UTF-8", file=out)
                failed += 1
                continue
            if not line.strip():
                continue
            try:
                data = parse_line(line)
                with transaction.atomic():
                    _, was_created = upsert(data)
            except BadLine as e:
                failed += 1
                print(f"line {lineno}: skipped: {e}", file=out)
                continue
            if was_created:
                created += 1
            else:
                updated += 1
            done = created + updated
            if done % PROGRESS_EVERY == 0:
                print(f"{done} articles imported…", file=out, flush=True)
    print(f"done: {created} created, {updated} updated, {failed} failed", file=out)
    return 1 if failed else 0
