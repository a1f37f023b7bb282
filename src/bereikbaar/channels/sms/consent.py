"""SMS consent: the keywords that opt in or out (Twilio's and the Dutch ones: channel text, so
they live here) and thin helpers over the central register (contacts.consent).

A number's entries are filed on the contact owning it as a phone identity (resolved the way
intake does). The latest entry for the contact and SMS counts; see contacts.consent for why it
is not per number.
"""

from datetime import datetime

from bereikbaar.contacts import consent as register
from bereikbaar.contacts.models import Consent, Contact
from bereikbaar.contacts.resolve import resolve

CHANNEL = "sms"
OPT_OUT = "opt_out"
OPT_IN = "opt_in"
# Twilio's own opt-out words (Advanced Opt-Out) plus the Dutch ones
OPT_OUT_WORDS = {
    "stop",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "afmelden",
    "uitschrijven",
}
OPT_IN_WORDS = {"start", "unstop", "aanmelden"}


def keyword(text: str) -> str:
    """ "opt_out", "opt_in" or "" for a message that is (only) one of the keywords."""
    word = text.strip().strip(".!").lower()
    if word in OPT_OUT_WORDS:
        return OPT_OUT
    if word in OPT_IN_WORDS:
        return OPT_IN
    return ""


def contact_for(address: str) -> Contact:
    """The contact owning this number, with the identity parse.py gives an SMS sender."""
    return resolve([("phone", address)])


def record(
    address: str, state: str, method: str, text_shown: str = "", at: datetime | None = None
) -> Consent:
    return register.record(
        contact_for(address), CHANNEL, state == OPT_IN, method, text_shown, address=address, at=at
    )


def record_keyword(address: str, state: str, method: str) -> Consent:
    """A STOP/START as the customer sent it, once however often Twilio retries the webhook
    (``method`` names the message SID, so it tells two STOPs apart)."""
    return register.record_once(
        contact_for(address), CHANNEL, state == OPT_IN, method, address=address
    )


def record_opt_in(
    address: str, method: str, text_shown: str, at: datetime | None = None
) -> Consent:
    """An opt-in as the customer gave it: when, how (form, keyword, …) and the text they saw."""
    return record(address, OPT_IN, method, text_shown, at)


def current(contact: Contact) -> Consent | None:
    return register.latest(contact, CHANNEL)


def opted_in(contact: Contact) -> bool:
    return register.has_consent(contact, CHANNEL)


def opted_out(contact: Contact) -> bool:
    return register.opted_out(contact, CHANNEL)
