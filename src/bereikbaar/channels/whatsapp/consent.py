"""Consent for WhatsApp per number: opt-in records and the keywords that opt out at once."""

from datetime import datetime

from django.utils import timezone

from bereikbaar.channels.whatsapp.models import Consent

OPT_OUT_WORDS = {"stop", "afmelden", "uitschrijven", "unsubscribe", "stopall"}
OPT_IN_WORDS = {"start", "aanmelden"}


def keyword(text: str) -> str:
    """ "opt_out", "opt_in" or "" for a message that is (only) one of the keywords."""
    word = text.strip().strip(".!").lower()
    if word in OPT_OUT_WORDS:
        return Consent.State.OPT_OUT
    if word in OPT_IN_WORDS:
        return Consent.State.OPT_IN
    return ""


def record(
    address: str, state: str, method: str, text_shown: str = "", at: datetime | None = None
) -> Consent:
    return Consent.objects.create(
        address=address, state=state, method=method, text_shown=text_shown, at=at or timezone.now()
    )


def record_opt_in(
    address: str, method: str, text_shown: str, at: datetime | None = None
) -> Consent:
    """An opt-in as the customer gave it: when, how (form, keyword, …) and the text they saw."""
    return record(address, Consent.State.OPT_IN, method, text_shown, at)


def current(address: str) -> Consent | None:
    return Consent.objects.filter(address=address).order_by("-at", "-id").first()


def opted_in(address: str) -> bool:
    latest = current(address)
    return latest is not None and latest.state == Consent.State.OPT_IN


def opted_out(address: str) -> bool:
    latest = current(address)
    return latest is not None and latest.state == Consent.State.OPT_OUT


def record_exists(address: str, state: str, at: datetime) -> bool:
    return Consent.objects.filter(address=address, state=state, at=at).exists()
