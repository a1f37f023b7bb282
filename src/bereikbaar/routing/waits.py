"""Honest expected waits per channel, computed from what is happening now.

- Live channels (chat, phone): agents online and the open, unassigned queue. Outside the
  default team's opening hours (or with nobody online) there is no live wait to promise:
  the page says when we open again instead of a wait that nobody will honour.
- Written channels (email, WhatsApp, SMS): the median first-response time of conversations
  that started on that channel in the last 7 days (all channels if there are fewer than 5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from django.conf import settings
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bereikbaar.conversations.models import Conversation
from bereikbaar.routing import hours
from bereikbaar.routing.assign import default_team
from bereikbaar.routing.models import AgentProfile

WINDOW = timedelta(days=7)
MIN_SAMPLES = 5
# Minutes one agent needs per waiting live customer, when we have no better figure.
DEFAULT_HANDLE_MINUTES = 4

DEFAULT_CHANNELS = [
    {"kind": "phone", "label": "Telefoon", "value": "020 123 45 67", "href": "tel:+31201234567"},
    {"kind": "webchat", "label": "Chat", "value": "", "href": ""},
    {
        "kind": "whatsapp",
        "label": "WhatsApp",
        "value": "06 12 34 56 78",
        "href": "https://wa.me/31612345678",
    },
    {"kind": "sms", "label": "SMS", "value": "06 12 34 56 78", "href": "sms:+31612345678"},
    {
        "kind": "email",
        "label": "E-mail",
        "value": "klantenservice@zonnestroom.example",
        "href": "mailto:klantenservice@zonnestroom.example",
    },
]
LIVE = {"phone", "webchat"}


@dataclass
class Wait:
    kind: str
    minutes: float | None  # None: no honest figure (nobody online / no data yet)
    text: str
    basis: str
    live: bool


def agents_online() -> int:
    return AgentProfile.objects.filter(presence=AgentProfile.Presence.ONLINE).count()


def queue_length() -> int:
    return Conversation.objects.filter(
        status=Conversation.Status.OPEN, assignee__isnull=True
    ).count()


def first_response_minutes(channel: str | None, now=None) -> tuple[float | None, int]:
    """Median minutes from a conversation's start to its first answer, and the sample size."""
    now = now or timezone.now()
    qs = Conversation.objects.filter(created_at__gte=now - WINDOW, first_response_at__isnull=False)
    if channel:
        qs = qs.filter(last_inbound_channel=channel)
    samples = [
        max(0.0, (r - c).total_seconds() / 60)
        for c, r in qs.values_list("created_at", "first_response_at")[:5000]
    ]
    return (median(samples) if samples else None), len(samples)


def _minutes_text(minutes: float) -> str:
    if minutes < 1:
        return _("minder dan een minuut")
    if minutes < 90:
        m = math.ceil(minutes)
        return ngettext("ongeveer %(n)d minuut", "ongeveer %(n)d minuten", m) % {"n": m}
    if minutes < 36 * 60:
        h = round(minutes / 60)
        return ngettext("ongeveer %(n)d uur", "ongeveer %(n)d uur", h) % {"n": h}
    d = round(minutes / 1440)
    return ngettext("ongeveer %(n)d dag", "ongeveer %(n)d dagen", d) % {"n": d}


def reopens_text(now, opens) -> str:
    """ "maandag om 09:00", "morgen om 09:00", "vandaag om 13:00" (Amsterdam time)."""
    local, opens = now.astimezone(hours.ZONE), opens.astimezone(hours.ZONE)
    days = (opens.date() - local.date()).days
    clock = opens.strftime("%H:%M")
    if days == 0:
        return _("vandaag om %(time)s") % {"time": clock}
    if days == 1:
        return _("morgen om %(time)s") % {"time": clock}
    return _("%(day)s om %(time)s") % {"day": WEEKDAYS[opens.weekday()], "time": clock}


def _closed(kind: str, now) -> Wait:
    opens = hours.next_opening(now, default_team())
    if opens is None:
        text = _(
            "Dit kanaal is nu gesloten. Stuur ons een bericht of vraag een terugbelverzoek aan."
        )
    else:
        text = _(
            "Nu gesloten, weer open %(when)s. "
            "Stuur ons een bericht of vraag een terugbelverzoek aan."
        ) % {"when": reopens_text(now, opens)}
    return Wait(kind, None, text, _("buiten openingstijden"), True)


def expected_waits(channels: list[dict] | None = None, now=None) -> list[Wait]:
    now = now or timezone.now()
    channels = channels or getattr(settings, "BEREIKBAAR_CONTACT_CHANNELS", DEFAULT_CHANNELS)
    open_now = hours.is_open(now, default_team())
    online = agents_online() if open_now else 0
    queue = queue_length() if online else 0
    all_median, all_n = first_response_minutes(None, now)
    out: list[Wait] = []
    for ch in channels:
        kind = ch["kind"]
        if kind in LIVE:
            if not open_now:
                out.append(_closed(kind, now))
                continue
            if not online:
                out.append(
                    Wait(
                        kind,
                        None,
                        _(
                            "Er is nu niemand online. "
                            "Laat een bericht achter of kies een ander kanaal."
                        ),
                        _("0 medewerkers online"),
                        True,
                    )
                )
                continue
            minutes = math.ceil(queue / online) * DEFAULT_HANDLE_MINUTES if queue else 0
            basis = ngettext(
                "%(online)d medewerker online, %(queue)d wachtend",
                "%(online)d medewerkers online, %(queue)d wachtend",
                online,
            ) % {"online": online, "queue": queue}
            text = _("Direct") if minutes == 0 else _minutes_text(minutes)
            out.append(Wait(kind, float(minutes), text, basis, True))
            continue
        minutes, n = first_response_minutes(kind, now)
        if n < MIN_SAMPLES and all_n >= n:
            minutes, n = all_median, all_n
        if minutes is None:
            out.append(Wait(kind, None, _("Nog geen gegevens"), "", False))
            continue
        basis = ngettext(
            "mediane eerste reactie, %(n)d gesprek in de afgelopen 7 dagen",
            "mediane eerste reactie, %(n)d gesprekken in de afgelopen 7 dagen",
            n,
        ) % {"n": n}
        out.append(Wait(kind, round(minutes, 1), _minutes_text(minutes), basis, False))
    return out
