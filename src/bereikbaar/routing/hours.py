"""Business hours: a team's weekly opening hours minus Dutch public holidays, in Amsterdam time.

`add_business_minutes(start, minutes, team)` walks the open intervals day by day, so an email
that arrives on Friday at 16:30 with a four-hour target is due on Monday at 12:30 (or Tuesday
when Monday is Easter Monday).
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from bereikbaar.routing.models import Team

ZONE = ZoneInfo("Europe/Amsterdam")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_HOURS = {day: [["09:00", "17:00"]] for day in DAYS[:5]}
_MAX_DAYS = 400  # a calendar without any open hour must not loop forever


@lru_cache(maxsize=16)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("NL", years=year)


def holiday_name(day: date) -> str | None:
    return _holidays(day.year).get(day)


def _parse(value: str) -> time | None:
    try:
        hours, minutes = (int(part) for part in str(value).split(":", 1))
        if hours == 24 and minutes == 0:
            return time.max
        return time(hours, minutes)
    except (TypeError, ValueError):
        return None


def intervals(day: date, team: Team | None) -> list[tuple[datetime, datetime]]:
    """The open intervals of one calendar day, as aware datetimes, in order."""
    if team is not None and not team.open_on_holidays and holiday_name(day):
        return []
    if team is None and holiday_name(day):
        return []
    weekly = (team.opening_hours if team is not None else None) or DEFAULT_HOURS
    out = []
    for pair in weekly.get(DAYS[day.weekday()], []) or []:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        start, end = _parse(pair[0]), _parse(pair[1])
        if start is None or end is None or end <= start:
            continue
        out.append(
            (datetime.combine(day, start, tzinfo=ZONE), datetime.combine(day, end, tzinfo=ZONE))
        )
    return sorted(out)


def add_business_minutes(start: datetime, minutes: float, team: Team | None) -> datetime | None:
    """`start` plus `minutes` of opening time; None when the team is never open."""
    remaining = timedelta(minutes=minutes)
    local = start.astimezone(ZONE)
    day = local.date()
    for _ in range(_MAX_DAYS):
        for opens, closes in intervals(day, team):
            if closes <= local:
                continue
            begin = max(opens, local)
            if begin + remaining <= closes:
                return begin + remaining
            remaining -= closes - begin
        day += timedelta(days=1)
    return None


def is_open(at: datetime, team: Team | None) -> bool:
    local = at.astimezone(ZONE)
    return any(opens <= local < closes for opens, closes in intervals(local.date(), team))


def next_opening(at: datetime, team: Team | None) -> datetime | None:
    """When the team is next open from `at` on (`at` itself while open); None if never."""
    local = at.astimezone(ZONE)
    day = local.date()
    for _ in range(_MAX_DAYS):
        for opens, closes in intervals(day, team):
            if closes > local:
                return max(opens, local)
        day += timedelta(days=1)
    return None
