"""`bereikbaar articles import FILE`: JSON Lines, upsert by slug, bad lines skipped."""

import io
import json

from bereikbaar.helpcenter.importer import import_file
from bereikbaar.helpcenter.models import Article, ArticleRevision
from bereikbaar.helpcenter.search import search


def write(tmp_path, *lines, name="a.jsonl"):
    path = tmp_path / name
    data = b"\n".join(line if isinstance(line, bytes) else line.encode() for line in lines)
    path.write_bytes(data + b"\n")
    return path


def row(**kw):
    base = {
        "slug": "meterstand",
        "title": "Meterstand",
        "body": "Geef je **meterstand** door.",
        "language": "nl",
        "tags": ["meter"],
    }
    base.update(kw)
    return json.dumps(base, ensure_ascii=False)


def test_import_creates_then_upserts_by_slug(db, tmp_path):
    out = io.StringIO()
    assert import_file(write(tmp_path, row(), row(slug="iban", title="IBAN")), out=out) == 0
    assert "2 created, 0 updated, 0 failed" in out.getvalue()
    a = Article.objects.get(slug="meterstand")
    assert "<strong>meterstand</strong>" in a.body_html
    assert a.tags == ["meter"] and a.is_published

    out = io.StringIO()
    path = write(tmp_path, row(title="Meterstanden doorgeven", body="Nieuw."), name="b.jsonl")
    assert import_file(path, out=out) == 0
    assert "0 created, 1 updated, 0 failed" in out.getvalue()
    assert Article.objects.count() == 2
    a.refresh_from_db()
    assert a.title == "Meterstanden doorgeven"
    # one revision per change, none for a re-import of the same content
    assert ArticleRevision.objects.filter(article=a).count() == 2
    import_file(path, out=io.StringIO())
    assert ArticleRevision.objects.filter(article=a).count() == 2
    # the search index follows the update
    assert search("doorgeven")[0].slug == "meterstand"


def test_bad_lines_are_reported_with_line_numbers_and_skipped(db, tmp_path):
    path = write(
        tmp_path,
        row(slug="goed"),
        "{not json",
        row(slug="Geen Slug!"),
        row(slug="zonder-titel", title=""),
        json.dumps(["a list"]),
        row(slug="taal", language="de"),
        b'{"slug": "kapot", "title": "\xff\xfe"}',
        "",
        row(slug="tags", tags="geen lijst"),
        row(slug="ook-goed"),
    )
    out = io.StringIO()
    assert import_file(path, out=out) == 1
    text = out.getvalue()
    for n in (2, 3, 4, 5, 6, 7, 9):
        assert f"line {n}: skipped" in text, (n, text)
    assert "line 1:" not in text and "line 10:" not in text
    assert "2 created, 0 updated, 7 failed" in text
    assert set(Article.objects.values_list("slug", flat=True)) == {"goed", "ook-goed"}


def test_progress_lines_and_missing_file(db, tmp_path):
    lines = [row(slug=f"artikel-{i}", title=f"Artikel {i}") for i in range(101)]
    out = io.StringIO()
    assert import_file(write(tmp_path, *lines), out=out) == 0
    assert "100 articles imported" in out.getvalue()
    out = io.StringIO()
    assert import_file(tmp_path / "bestaat-niet.jsonl", out=out) == 1
    assert "cannot open" in out.getvalue()


def test_demo_fixture_imports_cleanly(db):
    from pathlib import Path

    fixture = (
        Path(__file__).resolve().parents[2] / "src/bereikbaar/helpcenter/fixtures/articles.jsonl"
    )
    out = io.StringIO()
    assert import_file(fixture, out=out) == 0
    assert Article.objects.filter(language="nl").count() >= 40
