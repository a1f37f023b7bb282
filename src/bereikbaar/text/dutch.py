"""Dutch normalising for search: diacritics folding, Snowball stemming, compound splitting.

Pure Python (no Django). Both search backends index the output of :func:`index_tokens`, so
SQLite FTS5 and PostgreSQL see exactly the same tokens: lowercase ASCII ``[a-z0-9]+`` stems.

Stemming uses PyStemmer's ``dutch_porter`` algorithm (the classic Snowball Dutch). The newer
``dutch`` algorithm of Snowball 3 stems singular and plural differently (wachtwoord/wachtwoor,
zonnepaneel/zonnepanel), which hurts search more than its ge- handling helps; we add a small
participle rule of our own instead (opgezegd → opzeg, ingelogd → inlog, geleverd → lever).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

__all__ = [
    "STOPWORDS",
    "fold",
    "words",
    "stem",
    "split_compound",
    "index_tokens",
    "inflection_variants",
    "osa_distance",
]

_STEMMER = Stemmer.Stemmer("dutch_porter")

# Function words that carry no topic. Kept short on purpose: "niet", "geen", "werkt" and the
# like stay, because "werkt niet" is how customers name a fault.
STOPWORDS = frozenset(
    """
    de het een en of maar dat die dit deze der des den te ten ter van voor met op in aan bij
    uit naar om over onder tot door als dan ook nog al wel toch even eens zo er hier daar waar
    wat wie welk welke hoe waarom wanneer ik je jij u uw mij me mijn wij we ons onze jullie
    hij zij ze hem haar hun is ben bent zijn was waren wordt worden werd kan kun kunt kunnen
    moet moeten mag mogen wil wilt willen zou zouden heb hebt heeft hebben had hadden ga gaat
    gaan doe doet doen krijg krijgt iets niks nu dus want omdat hallo hoi graag alstublieft
    aub svp please even beetje heel erg echt zomaar mn m'n jou zelf a the to my i how do is
    veel zo'n zulke iemand staat staan geworden geweest word
    of and for can what why
    """.split()
)

# Everyday compounds that must never be split: their parts mean something else entirely.
DO_NOT_SPLIT = frozenset(
    """
    wachtwoord antwoord verbruik verbinding verhuizing overstap aanvraag aansluiting
    afspraak betaling bedrag bericht gegevens rekening herinnering aanmaning beheerder
    onderhoud vergoeding ondersteuning voorwaarden storing opbrengst gebruik toestemming
    aanmelden aanbieding bevestiging afschrijving overzicht instellingen handleiding
    """.split()
)

# Parts the compound splitter may use. Project-owned: there is no permissive offline Dutch
# word list that is small enough (see docs/research). Domain words of an energy supplier
# plus everyday customer-service words; the search layer adds the corpus's own words.
LEXICON = frozenset(
    """
    aan aanbod aanmaning aansluiting aanvraag account adres afspraak afschrift akkoord
    app auto bank batterij bedrag beheer beheerder bel belasting bericht betaal betaling
    bevestiging bijdrage boete boiler bonus bureau code contract data datum dag dak dal
    debet dienst display dynamisch eind eis email energie export factuur fout garantie gas
    gebruik gegevens geld groen groep hulp iban installatie incasso info inlog jaar kaart
    kabel kast keuring klacht klant kosten korting laad lamp led leverancier levering
    licht link looptijd mail maand machtiging melding meter monteur naam nacht net netwerk
    nota nummer offerte omgeving omvormer onderhoud opbrengst opzeg overlijden overstap
    paal paneel panelen pakket piek plafond plan pomp portaal post prijs privacy productie
    rekening regeling reset salderen saldering schade scherm schuld service slim slimme
    spanning stand status stroom tarief telefoon termijn terug teruggave teruglevering
    thuis tijd toegang tool update verbinding verbruik vergoeding verhuis verhuizing
    verzekering vervaldatum voorschot voorwaarden warmte wachtwoord wifi wijziging wissel
    woning zekering zon zonne zonnepaneel zonnepanelen herstel vergeten wijzig
    klanten jaarafrekening afrekening eindafrekening storing storingen
    aardlek schakelaar overzicht welkom pakket code inloggen aanmelden beveiliging sms
    verificatie vast vaste variabel variabele tarieven netbeheer levering stroomstoring
    opwek opwekking teller kwh kilowatt uur uren dubbel enkel tijdelijk huis appartement
    sleutel overdracht start stop termijnbedrag kosten loket portal mijn
    twee drie stap stappen verhoging verlaging stijging daling wijziging aanpassing
    verlenging verlening opgave opname afname levering aflevering bestelling afspraak
    brief mail formulier pagina scherm knop menu instelling instellingen melding
    berichten nummer code wachtwoord naam woord datum maand week jaar dag uur
    prijs prijzen kosten geld euro bedrag rekening reken nota afrekening overzicht
    huis woning dak zolder schuur tuin garage kelder keuken muur raam deur
    auto fiets lader laad kabel stekker paal punt net stroom gas water warmte koude
    zon zonne wind energie licht lamp display scherm batterij accu opslag
    leverings verbruiks aansluit afsluit opzeg verhuis betaal inlog aanmeld
    """.split()
)

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LINKERS = ("s", "en", "e", "")
_PREFIXES = ("", "op", "in", "aan", "af", "uit", "door", "over", "terug", "mee", "na", "om")
_PARTICIPLE = re.compile(r"^(" + "|".join(p for p in _PREFIXES if p) + r")?ge([a-z]{3,})[dt]$")
_DOUBLE_CONSONANT = re.compile(r"([bcdfgklmnprstvz])\1$")


def fold(text: str) -> str:
    """Lowercase and strip diacritics: "Financiële" → "financiele", "ĳ" → "ij"."""
    if text.isascii():
        return text.lower()
    text = text.replace("ĳ", "ij").replace("Ĳ", "ij").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded words; a hyphenated word gives its parts and the joined form."""
    out: list[str] = []
    for m in _WORD.finditer(fold(text)):
        token = m.group(0)
        if "-" in token:
            parts = [p for p in token.split("-") if p]
            out.extend(parts)
            if len(parts) > 1 and not all(p.isdigit() for p in parts):
                out.append("".join(parts))
        else:
            out.append(token)
    return out


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball Dutch stem of a folded word, with participles and doubled endings unified."""
    if word.isdigit() or len(word) <= 3:
        return word
    m = _PARTICIPLE.match(word)
    if m and len(word) > 6:
        # opgezegd → opzeg(g)en → opzeg ; geleverd → leveren → lever
        word = (m.group(1) or "") + m.group(2) + "en"
    s = _STEMMER.stemWord(word)
    s = _DOUBLE_CONSONANT.sub(r"\1", s)
    return s


_VOWEL = "aeiou"


def _lengthen(base: str) -> list[str]:
    """``base`` and, after an open syllable, its long-vowel spelling: hog(er) → hoog,
    lag(er) → laag; a doubled final consonant undoubled: ball(etje) → bal."""
    out = [base]
    m = _DOUBLE_CONSONANT.search(base)
    if m:
        out.append(base[:-1])
    if len(base) >= 3 and base[-1] not in _VOWEL and base[-2] in _VOWEL and base[-3] not in _VOWEL:
        out.append(base[:-1] + base[-2] + base[-1])
    return out


@lru_cache(maxsize=20_000)
def inflection_variants(word: str) -> tuple[str, ...]:
    """Other words a folded ``word`` may be a form of, for the query side only (the caller
    keeps those the help centre knows). Snowball leaves these apart:

    - verb endings: werkt → werk, wordt → word; werkte/stopten → werk/stop;
    - participles of stems ending in t: (terug)gestort → (terug)storten;
    - comparatives and superlatives: hoger/hogere → hoog, duurder → duur, hoogste → hoog;
    - diminutives: lampje → lamp, kabeltje → kabel, balletje → bal, mailtjes → mail.
    """
    if len(word) < 4 or not word.isalpha():
        return ()
    cands: list[str] = []
    if word.endswith("t") and len(word) >= 5:
        cands.append(word[:-1])
    for ending in ("ten", "den", "te", "de"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            cands.append(word[: -len(ending)])
    m = _PARTICIPLE.match(word)
    if m and word.endswith("t"):
        cands.append((m.group(1) or "") + m.group(2) + "ten")
    for ending in ("ere", "ers", "er", "ste", "st"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            cands += _lengthen(base)
            if base.endswith("d") and ending.startswith("e"):  # duurder → duur
                cands.append(base[:-1])
    for ending in ("etjes", "etje", "tjes", "tje", "pjes", "pje", "kjes", "kje", "jes", "je"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            cands += _lengthen(word[: -len(ending)])  # lamp|je and boom|pje: keep both
    seen: dict[str, None] = {}
    for c in cands:
        if c != word and len(c) >= 3:
            seen.setdefault(c, None)
    return tuple(seen)


def _known(part: str, known: frozenset[str] | set[str]) -> bool:
    if part in LEXICON or part in known:
        return True
    # A plural head: meter+standen, zonne+panelen.
    for ending in ("en", "s"):
        if part.endswith(ending) and len(part) - len(ending) >= 3:
            base = part[: -len(ending)]
            if base in LEXICON or base in known:
                return True
    return False


@lru_cache(maxsize=50_000)
def _split(word: str, known: frozenset[str]) -> tuple[str, ...]:
    best: tuple[str, ...] = ()
    best_score = 0.0
    n = len(word)
    for i in range(3, n - 2):
        head = word[:i]
        for linker in _LINKERS:
            if linker and not head.endswith(linker):
                continue
            base = head[: len(head) - len(linker)] if linker else head
            if len(base) < 3 or not _known(base, known):
                continue
            tail = word[i:]
            if _known(tail, known) and len(tail) >= 3:
                parts: tuple[str, ...] = (base, tail)
            elif len(tail) >= 6:
                rest = _split(tail, known)
                if not rest:
                    continue
                parts = (base, *rest)
            else:
                continue
            # Fewer, longer parts win (length-weighted, as in the research prototype).
            score = sum(len(p) ** 2 for p in parts) / len(parts)
            if score > best_score:
                best, best_score = parts, score
    return best


def split_compound(word: str, known: Iterable[str] = ()) -> list[str]:
    """Parts of a Dutch compound ("wachtwoordherstel" → ["wachtwoord", "herstel"]), or [].

    ``known`` adds words the splitter may use as parts (e.g. the help centre's own words).
    """
    word = fold(word)
    if len(word) < 6 or word in DO_NOT_SPLIT or not word.isalpha():
        return []
    known_set = known if isinstance(known, frozenset) else frozenset(known)
    return list(_split(word, known_set))


def index_tokens(text: str, known: Iterable[str] = ()) -> list[str]:
    """The tokens to index for ``text``: stems of every non-stop word, plus the stems of
    compound parts right after the compound's own stem."""
    known_set = known if isinstance(known, frozenset) else frozenset(known)
    out: list[str] = []
    for w in words(text):
        if w in STOPWORDS:
            continue
        out.append(stem(w))
        parts = split_compound(w, known_set)
        for part in parts:
            out.append(stem(part))
        # bank+rekening+nummer also gives bankrekening and rekeningnummer.
        for size in range(2, len(parts)):
            for i in range(len(parts) - size + 1):
                out.append(stem("".join(parts[i : i + size])))
    return out


def osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment edit distance (a swap of neighbours counts 1), capped at
    ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
            row_min = min(row_min, cur[j])
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)
