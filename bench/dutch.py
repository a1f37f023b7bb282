"""Synthetic Dutch customer messages (~270 bytes) and ~500 customers, deterministic per seed."""

import random
from dataclasses import dataclass

FIRST = [
    "Anouk",
    "Bram",
    "Daan",
    "Emma",
    "Fleur",
    "Hanna",
    "Jesse",
    "Julia",
    "Lars",
    "Lotte",
    "Milan",
    "Noor",
    "Ruben",
    "Sanne",
    "Sem",
    "Sophie",
    "Thijs",
    "Tess",
    "Wouter",
    "Yara",
]
LAST = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
]
CITIES = [
    "Amsterdam",
    "Rotterdam",
    "Utrecht",
    "Eindhoven",
    "Groningen",
    "Leeuwarden",
    "Zwolle",
    "Maastricht",
    "Arnhem",
    "Haarlem",
    "Tilburg",
    "Breda",
]
NOUNS = [
    "pakket",
    "bestelling",
    "factuur",
    "abonnement",
    "retourzending",
    "monteur",
    "afspraak",
    "zonnepaneel",
    "warmtepomp",
    "meterstand",
    "storing",
    "wasmachine",
    "koelkast",
    "router",
    "laadpaal",
    "contract",
    "betaling",
    "incasso",
    "aanmaning",
    "klantnummer",
    "levering",
    "garantie",
    "reparatie",
    "offerte",
    "verhuizing",
    "aansluiting",
    "bezorger",
    "korting",
    "voucher",
    "inlogcode",
    "wachtwoord",
    "app",
    "rekening",
    "terugbetaling",
]
OPENINGS = [
    "Goedemiddag,",
    "Beste klantenservice,",
    "Hallo,",
    "Goedemorgen,",
    "Dag,",
    "Hoi,",
]
BODIES = [
    "mijn {n1} is nog steeds niet aangekomen terwijl de {n2} al op {d} mei is betaald. "
    "Kunt u nagaan waar het misgaat? Ik woon in {c}.",
    "ik heb een vraag over de {n1} van vorige maand: er staat een bedrag van {e} euro op dat "
    "ik niet herken. Graag een toelichting en een nieuwe {n2}.",
    "sinds {d} dagen doet mijn {n1} het niet meer. De {n2} zou langskomen maar er is niemand "
    "geweest. Wanneer kan er iemand in {c} komen kijken?",
    "ik wil mijn {n1} opzeggen per de eerste van de volgende maand. Wat gebeurt er met de "
    "{n2} die nog openstaat? Mijn klantnummer is {k}.",
    "de {n1} die ik gisteren kreeg klopt niet: de {n2} is dubbel berekend. Kunt u dit "
    "corrigeren en het verschil van {e} euro terugstorten?",
    "wij verhuizen op {d} juni naar {c}. Hoe zet ik de {n1} en de {n2} over naar het nieuwe "
    "adres zonder onderbreking?",
]
EXTRAS = [
    "Ik heb al twee keer gebeld maar kreeg steeds een bandje.",
    "Op de website kan ik er niets over vinden en in de app ook niet.",
    "Het ordernummer staat in de bevestigingsmail die ik vorige week kreeg.",
    "Mijn buurman heeft hetzelfde probleem, dus misschien ligt het niet aan mij.",
    "Ik ben overdag bereikbaar op dit nummer of per mail.",
    "Dit is al de derde keer dit jaar dat dit gebeurt, dus ik wil graag een oplossing.",
]
CLOSINGS = [
    "Alvast bedankt.",
    "Met vriendelijke groet,",
    "Groetjes,",
    "Bij voorbaat dank!",
    "Ik hoor graag snel van u.",
]


@dataclass(frozen=True)
class Customer:
    name: str
    email: str
    phone: str  # E.164; "" when this customer writes by email


def customers(count: int = 500, seed: int = 11) -> list[Customer]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        slug = f"{first}.{last}".lower().replace(" ", "")
        email = f"{slug}.{i}@voorbeeld.nl"
        phone = f"+316{rng.randrange(10_000_000, 99_999_999)}" if rng.random() < 0.4 else ""
        out.append(Customer(name=f"{first} {last}", email=email, phone=phone))
    return out


def message(rng: random.Random, name: str) -> str:
    body = rng.choice(BODIES).format(
        n1=rng.choice(NOUNS),
        n2=rng.choice(NOUNS),
        d=rng.randrange(2, 29),
        c=rng.choice(CITIES),
        e=f"{rng.randrange(12, 480)},{rng.randrange(0, 99):02d}",
        k=rng.randrange(1_000_000, 9_999_999),
    )
    body = f"{body[0].upper()}{body[1:]} {rng.choice(EXTRAS)}"
    return f"{rng.choice(OPENINGS)}\n\n{body}\n\n{rng.choice(CLOSINGS)}\n{name}"


def workload(n: int, seed: int = 7, ncustomers: int = 500) -> list[tuple[Customer, str]]:
    """n (customer, text) pairs; the same for every run with the same seed."""
    rng = random.Random(seed)
    people = customers(ncustomers)
    return [(c, message(rng, c.name)) for c in (rng.choice(people) for _ in range(n))]
