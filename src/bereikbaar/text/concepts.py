"""Concepts and question types: the shared Dutch/English cue vocabulary of same-question
detection.

Pure Python (no Django). Cue words map a customer's wording onto shared concepts (pakket =
bestelling = order) and onto what a message asks (where is it, cancel, refund, …). The asks
are the concepts whose names start with one of :data:`ASK_PREFIXES`; :func:`ask_conflict`
says when two sets of asks are different questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bereikbaar.text.dutch import fold

__all__ = [
    "ASK_PREFIXES",
    "COMPATIBLE",
    "CONCEPTS",
    "MULTI_CUES",
    "ask_conflict",
    "compatible",
    "in_order",
    "word_concepts",
]

WINDOW = 3  # a two-word cue matches with up to this many words between its words


# concept: cue words. A cue matches a folded word that starts with it; a cue of 5 letters or
# more also matches inside a compound ("aprilfactuur", "retourpakket"). "a b" cues match two
# words in a row. Question types (the asks) are the concepts in _ASKS.
CONCEPTS: dict[str, tuple[str, ...]] = {
    # things
    "order": ("bestel", "order", "pakket", "package", "parcel", "zending", "aankoop", "doos"),
    "invoice": ("factu", "invoice", "nota", "jaarafrekening", "afrekening"),
    "charge": ("afgeschreven", "afschrijving", "afschrijv", "incasso", "charged", "charge"),
    "payment": ("betal", "betaald", "overgemaakt", "overmak", "payment", "ideal", "paid"),
    "password": ("wachtwoord", "password", "inlogcode", "resetlink"),
    "login": ("inlog", "login", "log in", "logged", "aanmeld", "inloggegevens"),
    "account": ("account", "klantportaal", "portaal", "mijn omgeving"),
    "subscription": ("abonnement", "subscription", "lidmaatschap"),
    "contract": ("contract",),
    "address": ("adres", "address", "verhuis", "moved"),
    "phone": ("telefoonnummer", "nummer", "number", "mobiel"),
    "email": ("e-mail", "email", "mail"),
    "internet": ("internet", "wifi", "glasvezel", "modem", "router"),
    "app": ("app",),
    "card": ("pinpas", "pas", "card", "bankpas", "creditcard"),
    "engineer": ("monteur", "engineer", "technician"),
    "meter": ("meter",),
    "solar": ("zonnepanel", "panelen", "solar", "teruglever"),
    "heating": ("ketel", "verwarming", "thermostaat", "heating", "cv"),
    "power": ("stroom", "power", "elektriciteit"),
    "gas": ("gas",),
    "money": ("geld", "money"),
    "amount": ("bedrag", "termijnbedrag", "maandbedrag", "voorschot", "tarief", "prijs", "price"),
    "discount": ("korting", "discount", "kortingscode"),
    "voucher": ("cadeaubon", "cadeaukaart", "voucher", "giftcard", "gift card"),
    "policy": ("polis", "verzekering", "policy", "insurance"),
    "claim": ("schade", "claim"),
    "size": ("maat", "maatje", "size"),
    "delivery": ("bezorg", "lever", "delivery", "deliver", "afgeleverd", "courier", "bezorger"),
    "customer_no": ("klantnummer", "customer number"),
    "charger": ("laadpaal", "charger", "laadpunt"),
    "name": ("naam", "name"),
    "received": ("ontvang", "binnen", "received", "gekregen", "aangekomen"),
    "twice": ("dubbel", "twee keer", "2x", "twice", "two times"),
    "neighbours": ("buren", "buurman", "buurvrouw", "neighbour", "neighbor"),
    "confirmation": ("bevestig", "confirmation"),
    "tracking": ("trackingcode", "track", "tracking"),
    "warranty": ("garantie", "warranty"),
    "wrong": ("verkeerd", "wrong", "ander artikel"),
    "stock": ("voorraad", "stock"),
    "usage": ("verbruik", "usage"),
    "callback": ("terugbel", "call back", "bel me", "bellen"),
    "data": ("bundel", "data"),
    "tax": ("belasting", "tax"),
    "overview": ("overzicht", "jaaroverzicht", "statement"),
    # asks and problems (question types)
    "ask_status": (
        "waar blijft",
        "waar is",
        "where is",
        "blijft",
        "status",
        "hoe staat",
        "stil",
        "niet ontvangen",
        "nog niet",
        "niets ontvangen",
        "niks aangekomen",
        "niet binnen",
        "not been delivered",
        "not arrived",
        "verzonden",
        "verstuurd",
        "shipped",
        "te laat",
        "is late",
        "wanneer wordt",
        "wanneer komt",
        "when will",
        "wacht al",
        "wachten al",
        "komt niet",
        "arrive",
        "aangekomen",
    ),
    "ask_cancel": ("annul", "geannuleerd", "opzeg", "opzegg", "cancel", "stopzet", "stoppen"),
    "ask_return": ("retour", "terugstur", "return"),
    "ask_refund": ("terugbetal", "geld terug", "refund", "terugstort", "money back"),
    "ask_exchange": ("ruil", "exchange", "andere kleur", "andere maat"),
    "ask_change": ("wijzig", "aanpass", "aanpas", "veranderd", "change", "omlaag", "verlag"),
    "ask_delete": ("verwijder", "delete", "afmeld", "unsubscribe"),
    "ask_pause": ("pauze", "pauzeer", "pause"),
    "ask_upgrade": ("upgrade",),
    "ask_plan": ("termijnen", "betalingsregeling", "payment plan"),
    "ask_howmuch": ("hoeveel", "how much", "hoe snel", "how fast", "wat kost", "kosten", "kost"),
    "ask_copy": ("kopie", "copy", "sturen", "send me"),
    "ask_validity": ("geldig", "valid", "loopt af", "afloop", "verlopen", "expired"),
    "ask_appointment": ("afspraak", "appointment", "gepland", "inplannen"),
    "ask_why": ("waarom", "why", "hoe kan het"),
    "ask_pickup": ("halen", "ophal", "opgehaald", "pick up", "afhalen"),
    "ask_howto": ("hoe doe", "how do", "hoe kan", "hoe maak", "how can", "schoon"),
    "problem_damaged": ("beschadig", "kapot", "damaged", "broken", "gebarsten", "stuk"),
    "problem_fault": (
        "storing",
        "werkt niet",
        "doet het niet",
        "doet niets",
        "uitgevallen",
        "eruit",
        "is down",
        "crash",
        "valt weg",
        "valt uit",
        "slaat af",
        "fout",
        "error",
        "lukt niet",
        "laadt niet",
        "traag",
        "slow",
        "geweigerd",
        "niet geaccepteerd",
        "not accepted",
        "lekt",
        "lekkage",
        "leak",
    ),
    "problem_wrong_amount": ("te hoog", "klopt niet", "hoger", "too high", "veel meer"),
    "problem_missing": (
        "geen",
        "weet niet meer",
        "niets gekregen",
        "niks gekregen",
        "ontbreekt",
        "missing",
        "ontbreken",
        "kwijt",
        "lost",
        "vergeten",
    ),
    "problem_stolen": ("gestolen", "stolen", "blokker", "block"),
    "problem_newsletter": ("nieuwsbrie", "newsletter"),
    "problem_blocked": ("geblokkeerd", "blocked"),
}
ASK_PREFIXES = ("ask_", "problem_")
# Asks that differ only in degree and so never veto each other.
COMPATIBLE = {
    frozenset({"ask_status", "problem_missing"}),
    frozenset({"ask_return", "ask_refund"}),
    frozenset({"ask_return", "ask_pickup"}),
    frozenset({"ask_change", "ask_exchange"}),
    frozenset({"problem_stolen", "ask_cancel"}),
    frozenset({"problem_fault", "problem_missing"}),
    frozenset({"problem_damaged", "problem_missing"}),
    frozenset({"problem_wrong_amount", "ask_why"}),
}


@dataclass(frozen=True)
class _Cue:
    concept: str
    words: tuple[str, ...]


def _build_cues() -> tuple[dict[str, list[_Cue]], list[_Cue]]:
    single: dict[str, list[_Cue]] = {}
    multi: list[_Cue] = []
    for concept, cues in CONCEPTS.items():
        for cue in cues:
            parts = tuple(fold(cue).split())
            if len(parts) == 1:
                single.setdefault(parts[0][:3], []).append(_Cue(concept, parts))
            else:
                multi.append(_Cue(concept, parts))
    return single, multi


_SINGLE, MULTI_CUES = _build_cues()


@lru_cache(maxsize=50_000)
def word_concepts(word: str) -> frozenset[str]:
    found = set()
    for cue in _SINGLE.get(word[:3], ()):
        if word.startswith(cue.words[0]):
            found.add(cue.concept)
    if len(word) >= 7:
        for cues in _SINGLE.values():
            for cue in cues:
                c = cue.words[0]
                if len(c) >= 5 and c in word[1:]:
                    found.add(cue.concept)
    return frozenset(found)


def in_order(tokens: list[str], cue: tuple[str, ...]) -> bool:
    """The cue's words in order, each within :data:`WINDOW` words of the one before."""
    first, rest = cue[0], cue[1:]
    for i, token in enumerate(tokens):
        if not token.startswith(first):
            continue
        at, ok = i, True
        for word in rest:
            nxt = next(
                (j for j in range(at + 1, min(at + 1 + WINDOW, len(tokens))) if tokens[j] == word),
                None,
            )
            if nxt is None:
                ok = False
                break
            at = nxt
        if ok:
            return True
    return False


def ask_conflict(a: set[str], b: set[str]) -> bool:
    """Each side asks something the other does not, and no pair of those is compatible."""
    only_a, only_b = a - b, b - a
    if not only_a or not only_b:
        return False
    return not any(frozenset({x, y}) in COMPATIBLE for x in only_a for y in only_b)


def compatible(a: set[str], b: set[str]) -> bool:
    return any(frozenset({x, y}) in COMPATIBLE for x in a for y in b)
