"""POST /contact/callback/: the contact page's "bel mij terug" form, taken by the phone channel.

The help centre renders the form (it may not import a channel); this view, an edge, checks it
and files the request through callbacks.request_callback. Only a slot the page offers (opening
hours, not past) is accepted; the number must be a real one (phonenumbers, NL by default).
CSRF is Django's; a few requests per IP per hour are plenty for a person, not for a script.
"""

import phonenumbers
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bereikbaar.channels.voice import callbacks
from bereikbaar.channels.voice.models import CallbackRequest
from bereikbaar.contacts.normalise import InvalidIdentity, normalise_phone
from bereikbaar.routing import callback_slots

PER_HOUR = 5
FIELDS = ("name", "phone", "slot", "question")
MESSAGES = {
    "limit": gettext_lazy(
        "Je hebt net al een paar keer om een terugbelactie gevraagd. "
        "Probeer het over een uur opnieuw, of bel ons."
    ),
    "phone": gettext_lazy(
        "Dit telefoonnummer klopt niet. Vul het in als 06 12345678 of +31 6 12345678."
    ),
    "slot": gettext_lazy(
        "Kies een tijd binnen onze openingstijden; die tijd kunnen we niet beloven."
    ),
    "question": gettext_lazy(
        "Je vraag is te lang (hoogstens 1000 tekens); de rest vertel je aan de telefoon."
    ),
}


@require_POST
def request_from_page(request: HttpRequest) -> HttpResponse:
    values = {key: request.POST.get(key, "").strip() for key in FIELDS}
    if not _within_limit(request):
        errors = {"limit": MESSAGES["limit"]}
        return _form(request, values, errors, 429)
    errors, number, slot = check(values)
    if errors:
        return _form(request, values, errors, 400)
    start_end = None if slot == callback_slots.ASAP else (slot.start, slot.end)
    callback = callbacks.request_callback(
        number,
        values["name"],
        start_end,
        source=CallbackRequest.Source.PAGE,
        question=values["question"][:1000],
    )
    context = {"callback": callback, "slot": None if slot == callback_slots.ASAP else slot}
    return render(request, "voice/callback_requested.html", context, status=201)


def check(values: dict) -> tuple[dict, str, object]:
    """Field errors in words for the customer, the E.164 number and the chosen slot."""
    errors, number = {}, ""
    if not values["name"]:
        errors["name"] = _("Vul je naam in, dan weten we wie we bellen.")
    elif len(values["name"]) > 200:
        errors["name"] = _("Je naam is te lang (hoogstens 200 tekens).")
    try:
        number = normalise_phone(values["phone"][:64])
        if not phonenumbers.is_valid_number(phonenumbers.parse(number)):
            raise InvalidIdentity(number)
    except InvalidIdentity:
        errors["phone"] = MESSAGES["phone"]
    slot = callback_slots.chosen(values["slot"])
    if slot is None:
        errors["slot"] = MESSAGES["slot"]
    if len(values["question"]) > 1000:
        errors["question"] = MESSAGES["question"]
    return errors, number, slot


def _form(request: HttpRequest, values: dict, errors: dict, status: int) -> HttpResponse:
    context = callback_slots.form_context(values=values, errors=errors)
    return render(request, "voice/callback_form.html", context, status=status)


def _within_limit(request: HttpRequest) -> bool:
    key = f"voice:callback-form:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= PER_HOUR
    except ValueError:  # expired between add and incr
        return True
