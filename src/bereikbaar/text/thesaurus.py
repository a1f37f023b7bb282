"""Everyday Dutch words that mean the same, for help-centre search.

Pure data. The help centre's agents manage synonyms for their own domain (omvormer =
inverter); this module holds the language customers use whatever the agents wrote:
informal verbs (snappen = begrijpen), negations that name a fault (lukt niet = werkt niet),
plain words for common actions, and (in ``lexicons/search_nl.txt``) the everyday words
customers of a utility type for the help centre's terms ("laatste rekening" =
eindafrekening, "stoppen slaan door" = aardlekschakelaar). Rows have the agents' form
``(term, "syn1, syn2")`` so :func:`bereikbaar.text.query.parse_synonyms` reads both the same
way. Kept unambiguous: a word with two everyday meanings does not belong here.

``VAGUE_NL`` are query words that name no topic ("wat moet ik regelen", "binnenkort"): the
query analysis does not search for them, but phrases may still use them.
"""

from __future__ import annotations

from importlib import resources

_GENERAL: tuple[tuple[str, str], ...] = (
    ("begrijpen", "snappen, snap, begrijp, uitleg, uitleggen, snap niet, begrijp niet"),
    ("verkeerd", "fout, onjuist, incorrect, niet goed, niet juist, klopt niet"),
    ("lukt niet", "werkt niet, gaat niet, doet het niet, wil niet"),
    ("kapot", "stuk, defect"),
    ("kwijt", "verloren, zoekgeraakt, vergeten"),
    ("ontvangen", "gekregen, binnengekregen, krijgen"),
    ("versturen", "sturen, opsturen, toesturen, verzenden"),
    ("verwijderen", "wissen, weghalen, deleten"),
    ("annuleren", "cancelen, afzeggen"),
    ("bekijken", "inzien, inkijken"),
    ("telefoon", "mobiel, gsm, mobieltje"),
    ("duur", "prijzig"),
    ("goedkoop", "voordelig"),
    ("hulp", "help, helpen, ondersteuning"),
    ("probleem", "problemen, issue"),
)


def _load(name: str = "search_nl.txt") -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    """The ``syn`` rows and ``vague`` words of a lexicon file (format: its header)."""
    text = resources.files("bereikbaar.text.lexicons").joinpath(name).read_text("utf-8")
    rows: list[tuple[str, str]] = []
    vague: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, *rest = line.split("\t")
        if kind == "syn" and len(rest) == 2:
            rows.append((rest[0].strip(), rest[1].strip()))
        elif kind == "vague" and len(rest) == 1:
            vague.update(rest[0].split())
        else:
            raise ValueError(f"{name}:{n}: expected 'syn<TAB>term<TAB>phrases' or 'vague<TAB>…'")
    return tuple(rows), frozenset(vague)


_ROWS, VAGUE_NL = _load()
GENERAL_NL: tuple[tuple[str, str], ...] = _GENERAL + _ROWS
