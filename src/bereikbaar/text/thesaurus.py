"""Everyday Dutch words that mean the same, for help-centre search in any organisation.

Pure data. The help centre's agents manage synonyms for their own domain (omvormer =
inverter); this list holds the general language customers use whatever the product is:
informal verbs (snappen = begrijpen), negations that name a fault (lukt niet = werkt niet),
and the plain words for common actions. Rows have the agents' form ``(term, "syn1, syn2")``
so :func:`bereikbaar.text.query.parse_synonyms` reads both the same way. Kept short and
unambiguous: a word with two everyday meanings does not belong here.
"""

from __future__ import annotations

GENERAL_NL: tuple[tuple[str, str], ...] = (
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
