"""The text analysis gives exactly the outputs it gave when the golden file was recorded.

The signals code is tuned for speed (it runs for every inbound message); a speed-up must never
change a result. ``data/analysis_golden.json.gz`` holds a large, varied corpus - the bench
workload, the demo's texts, every string in the text and routing tests, the labelled signals,
search and similarity data, and generated texts built from the lexicons' own words - with, per
text, a hash of ``analyse()`` (without and with a :class:`Behaviour`), the output of
``language.detect()`` and a hash of ``tokenise()``; every 20th text also keeps its full
record (readable when a hash differs). Inputs that are not plain short strings (``None``,
bytes, HTML, texts over ``MAX_CHARS``) are built in :func:`special_inputs`.

Re-record only when an output change is intended (and say so in the commit)::

    .venv/bin/python tests/text/test_analysis_unchanged.py --record
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

from bereikbaar.text import language
from bereikbaar.text.signals import Behaviour, Signals, analyse
from bereikbaar.text.tokens import Tokens, clean, tokenise

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).with_name("data") / "analysis_golden.json.gz"
FULL_EVERY = 20

#: Index 0 is "no behaviour"; text i is analysed with None and with BEHAVIOURS[1 + i % 5].
BEHAVIOURS: list[Behaviour | None] = [
    None,
    Behaviour(repeat_contacts_48h=2),
    Behaviour(second_channel_while_open=True, minutes_waited=35),
    Behaviour(repeat_contacts_48h=True, minutes_waited=120.0, broken_promise=True),
    Behaviour(repeat_contacts_48h=7, minutes_waited=float("nan")),
    Behaviour(minutes_waited=9.99, broken_promise=True, second_channel_while_open=True),
]


def special_inputs() -> list[object]:
    """Inputs that cannot live in the JSON file or would make it large; deterministic."""
    long_nl = " ".join(
        ["Ik ben echt woedend, mijn pakket is weer niet bezorgd!!"] * 150
        + ["Bedankt voor niks. Wanneer komt de monteur?"] * 150
    )
    mixed = " ".join(
        ["the delivery is late again and I am very angry"] * 120
        + ["mijn stroom is afgesloten, dit is dringend"] * 120
    )
    return [
        None,
        "",
        "   \n\t ",
        b"Mijn pakket is nog steeds niet bezorgd, ik ben boos!",
        bytearray("Dank je wel, top geholpen 😊".encode()),
        memoryview(b"\xff\xfe kapot \xff"),
        42,
        3.5,
        ["geen", "tekst"],
        "<html><head><style>p{}</style></head><body><p>Ik ben <b>woedend</b>!</p>"
        "<script>alert('x')</script><br>Wanneer komt de monteur?</body></html>",
        "Tom &amp; Jerry zijn boos &lt;3 &#128545;",
        "\x00\x01\x02" * 200 + "boos",
        "boos \x00 en bang \x07 en kwaad",
        long_nl,
        mixed,
        "x" * 12_000,
        "😡" * 30,
        "😊🙏👍",
        "123 456,78 9.000",
        "x² ½ ⅔ Ⅻ ㊿ ⁴² boos",
        "HELP!!! MIJN STROOM IS AFGESLOTEN EN NIEMAND NEEMT OP???",
        "\ufffd" * 40 + " boos",
    ]


def _analysis(s: Signals) -> list:
    reasons = [[r.label, r.cue, r.weight, r.kind, r.note] for r in s.reasons]
    scores = [[label, score] for label, score in s.scores.items()]
    return [s.language, s.emotion, scores, s.urgent, s.urgency, reasons]


def _tokens(t: Tokens) -> list:
    words = [[w.text, w.low, w.key, w.clause, w.sentence, w.number] for w in t.words]
    return [words, t.emoji, t.punct, sorted(t.questions), t.sentences]


def _hash(value: object) -> str:
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(data).hexdigest()[:10]


def record_of(i: int, text: object) -> dict:
    """Everything the analysis says about one input, as stored in the golden file."""
    plain = _analysis(analyse(text))
    other = _analysis(analyse(text, BEHAVIOURS[1 + i % 5]))
    cleaned = clean(text)
    toks = tokenise(cleaned.text)
    out = {
        "analyse": [_hash(plain), _hash(other)],
        "detect": list(language.detect(cleaned.text, toks.words)),
        "tokens": _hash(_tokens(toks)),
    }
    if i % FULL_EVERY == 0:
        out["full"] = {"analyse": [plain, other], "tokens": _tokens(toks)}
    return out


def test_analysis_matches_the_golden_file():
    golden = json.loads(gzip.decompress(GOLDEN.read_bytes()))
    texts, specials = golden["texts"], golden["specials"]
    assert len(texts) > 5000 and len(specials) == len(special_inputs())
    inputs = [*texts, *special_inputs()]
    expected = [*golden["records"], *specials]
    changed = []
    for i, (text, want) in enumerate(zip(inputs, expected, strict=True)):
        got = record_of(i, text)
        for part in ("analyse", "detect", "tokens", "full"):
            if part in want and got[part] != want[part]:
                changed.append(f"#{i} {part}: {repr(text)[:120]}")
    detail = "\n".join(changed[:20])
    assert not changed, f"{len(changed)} outputs changed:\n{detail}"


# --- recording (not run by pytest) ---------------------------------------------------------


def _corpus() -> list[str]:
    """Every text the project has, plus generated ones; duplicates removed, order kept."""
    import ast
    import random

    sys.path.insert(0, str(ROOT / "bench"))
    import dutch

    from bereikbaar.demo import content
    from bereikbaar.text.lexicon import emoji_cues, language_words, word_classes

    texts: list[str] = [t for _, t in dutch.workload(2000)]
    v = {
        "voornaam": "Sanne",
        "naam": "Sanne de Vries",
        "order": "ZN-482913",
        "bedrag": "129,95",
        "maand": "maart",
        "datum": "14 maart",
        "dagen": 9,
        "meter": 3,
        "stad": "Utrecht",
        "straat": "Oudegracht 12",
        "agent": "Emma",
        "kort": "waar blijft mijn pakket?",
    }
    for topic in content.TOPICS:
        for part, templates in topic.items():
            if isinstance(templates, list) and all(isinstance(t, str) for t in templates):
                for t in templates:
                    body = t.format(**v)
                    texts += [body, f"Inkomend gesprek (7 min). {body}"]
                    if part == "long":
                        texts.append(f"Goedemiddag,\n\n{body}\n\nAlvast bedankt,\nSanne")
                        texts.append(f"Hello,\n\n{body}\n\nKind regards,\nSanne")
    for templates in content.DOUBLE_CONTACT.values():
        texts += [t.format(**v) for t in templates]
    texts += [t.format(**v) for _, _, t in content.CANNED_RESPONSES]
    for folder in ("tests/text", "tests/routing"):
        for path in sorted((ROOT / folder).glob("*.py")):
            if path.name == Path(__file__).name:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
                    texts.append(node.value)
    data = ROOT / "bench" / "data"
    labelled = [json.loads(line)["text"] for line in (data / "signals" / "labelled.jsonl").open()]
    texts += labelled
    for line in (data / "similar" / "pairs.jsonl").open():
        pair = json.loads(line)
        texts += [pair["a"], pair["b"]]
    texts += [json.loads(line)["q"] for line in (data / "search" / "queries.jsonl").open()]

    rng = random.Random(20261205)
    words: list[str] = []
    for name in ("emotion", "urgency"):
        for line in (ROOT / "src/bereikbaar/text/lexicons" / f"{name}.txt").open():
            if line.strip() and not line.startswith("#"):
                for alt in line.split("\t")[2].replace("~", " ").replace("|", " ").split():
                    alt = alt.lstrip("=")
                    if alt == "#num":
                        words += ["twee", "3", "tien", "48"]
                    elif alt.endswith("*"):
                        words += [alt[:-1], alt[:-1] + "en"]
                    elif alt.startswith("*"):
                        words.append("her" + alt[1:])
                    else:
                        words += [alt, alt + "e", alt.upper()]
    for cls in (*word_classes().values(), *language_words().values()):
        words += sorted(cls)
    words += ["maar", "want", "omdat", "however", "hoor", "bedankt", "voor", "niks", "weer"]
    emoji = sorted(emoji_cues())
    marks = [". ", "? ", "!! ", ", ", "\n", "… ", "?! ", " ", " ", " ", " ", " ", " "]
    for _ in range(3000):
        out = []
        for _ in range(rng.randint(1, 40)):
            w = rng.choice(words)
            if rng.random() < 0.05:
                w = w.capitalize()
            out.append(w + rng.choice(marks))
            if rng.random() < 0.04:
                out.append(rng.choice(emoji) + " ")
        texts.append("".join(out).strip())
    for text in labelled[::3]:
        texts += [text.upper(), text.replace(".", "?"), text + " " + rng.choice(emoji)]
        texts.append(text + " Maar " + rng.choice(labelled).lower())
    return list(dict.fromkeys(texts))


def record() -> None:
    texts = _corpus()
    records = [record_of(i, t) for i, t in enumerate(texts)]
    specials = [record_of(len(texts) + i, x) for i, x in enumerate(special_inputs())]
    payload = {"texts": texts, "records": records, "specials": specials}
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_bytes(gzip.compress(raw, mtime=0))
    print(f"{len(texts)} texts + {len(specials)} special inputs, {GOLDEN.stat().st_size} bytes")


if __name__ == "__main__":
    if "--record" not in sys.argv:
        sys.exit(__doc__)
    record()
