"""The demo's texts: turning content.py's templates into what a customer or an agent writes.

Kept apart from builder.py so the builder only plans (who writes when, on which channel, who
answers) and the wording can change here without touching the plan. Plain Python, no Django.

Every function draws from the rng it is given, in a fixed order: the same seed must still give
the same demo, so reordering the draws inside a function changes every text after it.
"""

import random
import unicodedata
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bereikbaar.contacts.normalise import normalise
from bereikbaar.demo import content as C

if TYPE_CHECKING:
    from bereikbaar.demo.builder import Person


def unique_email(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    """A plausible address for the name, normalised, not in `taken` (which it joins)."""
    plain = unicodedata.normalize("NFKD", f"{first}|{last}").encode("ascii", "ignore").decode()
    f, last_part = (p.lower().replace(" ", "") for p in plain.split("|"))
    styles = [f"{f}.{last_part}", f"{f[0]}.{last_part}", f"{f}{last_part}", f"{f}_{last_part}"]
    local = rng.choice(styles)
    domain = rng.choice(C.EMAIL_DOMAINS)
    email = normalise("email", f"{local}@{domain}")
    while email in taken:
        email = normalise("email", f"{local}{rng.randint(1, 999)}@{domain}")
    taken.add(email)
    return email


def placeholders(rng: random.Random, person: "Person", created: datetime, agent: str) -> dict:
    """The values for content.py's {placeholders}; `created` in local time, `agent` a first
    name."""
    later = created + timedelta(days=rng.randint(-6, 21))
    return {
        "voornaam": person.first,
        "naam": person.name,
        "order": f"ZN-{rng.randint(100000, 999999)}",
        "bedrag": f"{rng.randint(25, 480)},{rng.choice(['00', '50', '95', '18', '42'])}",
        "maand": rng.choice(C.MONTHS),
        "datum": f"{later.day} {C.MONTHS[later.month - 1]}",
        "dagen": rng.randint(3, 12),
        "meter": rng.randint(1, 9),
        "stad": person.city,
        "straat": person.street,
        "agent": agent,
    }


def fill(rng: random.Random, templates: list[str], v: dict) -> str:
    return rng.choice(templates).format(**v)


def call_text(minutes: int, summary: str) -> str:
    """A phone contact is stored as a summary of the call."""
    return f"Inkomend gesprek ({minutes} min). {summary}"


def customer_text(rng: random.Random, channel: str, topic: dict, person: "Person", v: dict) -> str:
    """A customer's first message: a call summary, a mail with greeting, or a short chat."""
    if channel == "phone":
        return call_text(rng.randint(2, 14), fill(rng, topic["call"], v))
    if channel in ("email", "api"):
        body = fill(rng, topic["long"], v)
        if channel == "api":
            return body
        if person.language == "en" or topic["key"] == "english":
            return f"Hello,\n\n{body}\n\nKind regards,\n{person.name}"
        opening, closing = rng.choice(C.EMAIL_OPENINGS), rng.choice(C.EMAIL_CLOSINGS)
        return f"{opening}\n\n{body}\n\n{closing}\n{person.name}"
    return fill(rng, topic["short"], v)


def double_contact_text(rng: random.Random, channel: str, topic: dict, v: dict) -> str:
    """The same question again, minutes later, on `channel`."""
    short = fill(rng, topic["short"], v)
    text = rng.choice(C.DOUBLE_CONTACT[channel]).format(kort=short)
    if channel == "phone":
        text = call_text(rng.randint(2, 9), text)
    return text


def followup_text(rng: random.Random, channel: str, topic: dict, v: dict) -> str:
    """The customer's answer to the agent's first reply."""
    text = fill(rng, topic["followup"], v)
    if channel == "phone":
        text = call_text(rng.randint(1, 6), text)
    return text


def call_note(rng: random.Random, topic: dict, v: dict) -> str:
    return "Gespreksnotitie: " + fill(rng, topic["notes"], v)


def callback_note(rng: random.Random, topic: dict, v: dict) -> str:
    return "Teruggebeld: " + fill(rng, topic["notes"], v)


def after_call_reply(rng: random.Random, topic: dict, v: dict) -> str:
    return "Zoals telefonisch besproken: " + fill(rng, topic["replies"], v)


def second_reply(rng: random.Random, topic: dict, v: dict) -> str:
    """The agent's answer to a follow-up: one of the topic's replies, or the closing line."""
    closing = [text for _, _, text in C.CANNED_RESPONSES[-1:]]
    return fill(rng, topic["replies"] + closing, v)


def agent_text(channel: str, reply: str, person: "Person", agent: str) -> str:
    """An agent's reply dressed for the channel; `agent` is the agent's first name."""
    english = person.language == "en"
    if channel == "email":
        greeting = f"Dear {person.first}," if english else f"Beste {person.first},"
        closing = "Kind regards," if english else "Met vriendelijke groet,"
        return f"{greeting}\n\n{reply}\n\n{closing}\n{agent}\n{C.ORGANISATION}"
    if channel in ("whatsapp", "webchat"):
        hello = "Hi" if english else "Hoi"
        return f"{hello} {person.first}, {reply[0].lower()}{reply[1:]} ^{agent[0]}"
    return reply
