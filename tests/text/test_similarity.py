"""Same-question detection: wording may differ, distinguishing facts may not."""

import io
import json

import pytest

from bereikbaar.text.similar_cli import run
from bereikbaar.text.similarity import compare, facts


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Waar blijft bestelling 482913? Ik heb nog niets ontvangen.",
            "waar blijft mn pakket?? 482913",
        ),
        ("Where is my order 482913?", "Waar blijft bestelling 482913?"),
        ("Ik wil mijn abonnement opzeggen.", "hoe kan ik opzeggen? abonnement stoppen"),
        ("Mijn nieuwe IBAN is NL91ABNA0417164300.", "nieuw rekeningnummer NL91 ABNA 0417 1643 00"),
    ],
)
def test_it_finds_the_same_question(a, b):
    result = compare(a, b)
    assert result.same, result.reasons
    assert 0 <= result.score <= 1


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("Waar blijft bestelling 482913?", "Waar blijft bestelling 482977?", "ander nummer"),
        (
            "Er is € 49,95 dubbel afgeschreven.",
            "Er is € 19,95 dubbel afgeschreven.",
            "ander bedrag",
        ),
        ("Bezorgen jullie op 3511 AB?", "Bezorgen jullie op 9711 CD?", "andere postcode"),
        (
            "Mijn nieuwe IBAN is NL91ABNA0417164300.",
            "Mijn nieuwe IBAN is NL20INGB0001234567.",
            "andere IBAN",
        ),
        ("Waar blijft bestelling 482913?", "Kan ik bestelling 482913 annuleren?", "andere vraag"),
    ],
)
def test_it_keeps_distinguishing_facts_apart(a, b, why):
    result = compare(a, b)
    assert not result.same
    assert result.reasons[0].startswith(why), result.reasons


def test_facts_are_normalised():
    found = {(f.kind, f.value) for f in facts("€ 1.250,00 en 1250 euro, 3511ab, 06-12345678")}
    assert ("amount", "125000") in found
    assert ("postcode", "3511ab") in found
    assert ("phone", "612345678") in found
    assert {f.value for f in facts("2x 49,95")} == {"4995"}


def test_compound_words_match_their_parts():
    result = compare("wat zijn die kosten op de aprilfactuur?", "kosten op mijn factuur van april?")
    assert result.same, result.reasons


@pytest.mark.parametrize("bad", [None, "", "   ", b"\x00\x01\x02" * 50, 12])
def test_bad_input_is_never_the_same(bad):
    result = compare(bad, "Waar blijft mijn pakket?")
    assert result.same is False
    assert result.score == 0.0 or isinstance(bad, int)


def test_huge_text_is_cut_not_fatal():
    result = compare("pakket " * 100_000, "waar blijft mijn pakket")
    assert isinstance(result.same, bool)


def roundtrip(text):
    out = io.StringIO()
    status = run(io.StringIO(text), out)
    return status, [json.loads(x) for x in out.getvalue().splitlines()]


def test_cli_round_trip_and_bad_lines():
    lines = [
        json.dumps({"id": 1, "a": "Waar blijft 482913?", "b": "waar blijft mn pakket 482913"}),
        "",
        "not json",
        json.dumps([1, 2]),
        json.dumps({"id": "x", "a": "tekst"}),
        json.dumps({"id": "y", "a": "Waar blijft 482913?", "b": "Waar blijft 482977?"}),
    ]
    status, rows = roundtrip("\n".join(lines) + "\n")
    assert status == 0
    assert rows[0]["id"] == 1 and rows[0]["same"] is True
    assert set(rows[0]) == {"id", "same", "score", "reasons"}
    assert "error" in rows[1] and "error" in rows[2]
    assert rows[3] == {"id": "x", "error": "line 5: 'a' and 'b' must be strings"}
    assert rows[4]["same"] is False
