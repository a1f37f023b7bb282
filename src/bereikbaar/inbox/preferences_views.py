"""The public preference centre: reached by a signed, expiring link; no login."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bereikbaar.contacts.audit import audit
from bereikbaar.contacts.models import AuditEntry
from bereikbaar.contacts.preferences import (
    CHANNELS,
    BadLink,
    contact_for_token,
    preference_for,
    save_preferences,
)

LANGUAGES = (("nl", "Nederlands"), ("en", "English"))


def _time(raw: str) -> dt.time | None:
    return dt.time.fromisoformat(raw) if raw else None


@require_http_methods(["GET", "POST"])
def preference_centre(request: HttpRequest, token: str) -> HttpResponse:
    try:
        contact = contact_for_token(token)
    except BadLink as exc:
        return render(request, "inbox/preferences.html", {"error": str(exc)}, status=403)
    error, saved = "", False
    if request.method == "POST":
        preferred = [c for c in request.POST.getlist("preferred") if c]
        never = request.POST.getlist("never")
        try:
            save_preferences(
                contact,
                preferred,
                never,
                _time(request.POST.get("quiet_start", "")),
                _time(request.POST.get("quiet_end", "")),
                request.POST.get("language", "")
                if request.POST.get("language") in dict(LANGUAGES)
                else "",
            )
        except ValueError as exc:
            error = str(exc)
        else:
            saved = True
            audit(None, AuditEntry.Action.PREFERENCES, contact.pk, {"by": "klant"})
    pref = preference_for(contact)
    context = {
        "contact": contact,
        "pref": pref,
        "channels": CHANNELS,
        "ranks": [
            (i + 1, pref.preferred[i] if i < len(pref.preferred) else "")
            for i in range(len(CHANNELS))
        ],
        "languages": LANGUAGES,
        "error": error,
        "saved": saved,
    }
    return render(request, "inbox/preferences.html", context, status=400 if error else 200)
