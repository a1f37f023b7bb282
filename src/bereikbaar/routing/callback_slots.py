"""The time slots a customer may pick for a callback on the contact page: hour-long pieces
of the opening hours (routing.hours: the default team's week minus Dutch holidays) over the
coming days. The form offers these; the view that takes the request accepts only these, so a
slot outside opening hours or in the past cannot be asked for, even by a hand-made POST.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dates import WEEKDAYS

from bereikbaar.routing import hours
from bereikbaar.routing.assign import default_team
from bereikbaar.routing.models import Team

SLOT = timedelta(hours=1)
LEAD = timedelta(minutes=15)  # a slot that starts within this is too soon to promise
DAYS = 7
MAX_SLOTS = 40
ASAP = "asap"
# The form posts here: a view of the phone channel, which routing may not import.
FORM_ACTION = "/contact/callback/"


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime

    @property
    def value(self) -> str:
        return self.start.astimezone(hours.ZONE).strftime("%Y-%m-%dT%H:%M")


def slots(now: datetime | None = None, team: Team | None = None) -> list[Slot]:
    now = now or timezone.now()
    team = team or default_team()
    day = now.astimezone(hours.ZONE).date()
    out: list[Slot] = []
    for offset in range(DAYS):
        for opens, closes in hours.intervals(day + timedelta(days=offset), team):
            start = opens
            while start < closes and len(out) < MAX_SLOTS:
                if start >= now + LEAD:
                    out.append(Slot(start, min(start + SLOT, closes)))
                start += SLOT
    return out


def open_now(now: datetime | None = None, team: Team | None = None) -> bool:
    return hours.is_open(now or timezone.now(), team or default_team())


def chosen(value: str, now: datetime | None = None) -> Slot | None | str:
    """The slot the form's value names; ASAP while open; None when it is not on offer."""
    now = now or timezone.now()
    if value == ASAP:
        return ASAP if open_now(now) else None
    return next((slot for slot in slots(now) if slot.value == value), None)


def weekly_hours(team: Team | None = None) -> list[tuple[str, str]]:
    """("maandag", "09:00–17:00") per open day (Django's own translated day names)."""
    team = team or default_team()
    week = (team.opening_hours if team is not None else None) or hours.DEFAULT_HOURS
    out = []
    for index, key in enumerate(hours.DAYS):
        pairs = [p for p in week.get(key) or [] if isinstance(p, list | tuple) and len(p) == 2]
        if pairs:
            out.append((str(WEEKDAYS[index]), ", ".join(f"{a}–{b}" for a, b in pairs)))
    return out


def form_context(**more) -> dict:
    """What the contact page's callback form needs, for the page and for the form's own view."""
    return {
        "slots": slots(),
        "open_now": open_now(),
        "opening_hours": weekly_hours(),
        "callback_action": FORM_ACTION,
        **more,
    }
