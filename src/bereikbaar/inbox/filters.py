"""The conversation list's filters and their counts, read from the query string.

Every filter narrows `visible_conversations(user)`, never widens it, so a crafted query string
cannot show another team's case. Each count applies the *other* filters, so a number beside an
option says how many rows choosing it would show.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from bereikbaar.conversations.models import CHANNELS, Conversation, Message
from bereikbaar.conversations.search import clean, matching
from bereikbaar.routing.access import team_ids, visible_conversations
from bereikbaar.routing.models import Team

# Rows per page of the list: rendering a row costs ~0.15 ms of CPU, and 300 agents whose lists
# refresh live made 200 rows a page the server's main cost (bench/inbox_load.py). "Show more"
# adds a page at a time, up to MAX_SHOWN.
PAGE = 50
MAX_SHOWN = 500

VIEWS = [("all", _("Alles")), ("mine", _("Van mij")), ("unassigned", _("Niet toegewezen"))]
STATUSES = [("active", _("Actief")), *Conversation.Status.choices, ("any", _("Elke status"))]


@dataclass(frozen=True)
class Filters:
    view: str = "all"
    status: str = "active"
    channel: str = ""
    team: int | None = None
    q: str = ""  # the search box (search.py)
    limit: int = PAGE  # rows shown: PAGE more each time the agent asks for more

    @classmethod
    def from_query(cls, query: QueryDict) -> "Filters":
        view = query.get("view", "all")
        status = query.get("status", "active")
        channel = query.get("channel", "")
        team = query.get("team", "")
        return cls(
            view=view if view in dict(VIEWS) else "all",
            status=status if status in dict(STATUSES) else "active",
            channel=channel if channel in dict(CHANNELS) else "",
            team=int(team) if team.isdigit() else None,
            q=clean(query.get("q", "")),
            limit=_limit(query.get("limit", "")),
        )

    def hidden_fields(self) -> list[tuple[str, str]]:
        """The other filters, kept by the search form (which sends q itself)."""
        query = QueryDict(self.as_query(q=""))
        return [(key, value) for key in query for value in query.getlist(key)]

    def without_search(self) -> str:
        return self.as_query(q="")

    def as_query(self, **changes) -> str:
        """This filter set with some values changed, as a query string (defaults left out)."""
        values = {
            "view": self.view,
            "status": self.status,
            "channel": self.channel,
            "team": self.team,
            "q": self.q,
            "limit": self.limit,
            **changes,
        }
        query = QueryDict(mutable=True)
        defaults = {
            "view": "all",
            "status": "active",
            "channel": "",
            "team": None,
            "q": "",
            "limit": PAGE,
        }
        for key, value in values.items():
            if value != defaults[key] and value is not None:
                query[key] = str(value)
        return query.urlencode()


def _limit(value: str) -> int:
    """A whole number of pages between one and MAX_SHOWN rows; anything else is one page."""
    if not value.isdigit():
        return PAGE
    pages = -(-int(value[:6]) // PAGE)  # rounded up
    return min(max(pages, 1) * PAGE, MAX_SHOWN)


def _by_view(view: str, user: AbstractBaseUser) -> Q:
    if view == "mine":
        return Q(assignee=user)
    if view == "unassigned":
        return Q(assignee__isnull=True)
    return Q()


def _by_status(status: str) -> Q:
    if status == "active":
        return Q(status__in=Conversation.ACTIVE)
    if status == "any":
        return Q()
    return Q(status=status)


def _by_channel(channel: str) -> Q:
    """A conversation is 'on' a channel when any of its messages went that way."""
    if not channel:
        return Q()
    return Q(Exists(Message.objects.filter(conversation=OuterRef("pk"), channel=channel)))


def _by_team(team: int | None) -> Q:
    return Q(team_id=team) if team else Q()


def _conditions(filters: Filters, user: AbstractBaseUser) -> dict[str, Q]:
    return {
        "view": _by_view(filters.view, user),
        "status": _by_status(filters.status),
        "channel": _by_channel(filters.channel),
        "team": _by_team(filters.team),
        "q": matching(filters.q),
    }


def _except(conditions: dict[str, Q], skip: str) -> Q:
    combined = Q()
    for name, condition in conditions.items():
        if name != skip:
            combined &= condition
    return combined


def filtered(user: AbstractBaseUser, filters: Filters) -> QuerySet[Conversation]:
    conditions = _conditions(filters, user)
    return (
        visible_conversations(user)
        .filter(_except(conditions, ""))
        .select_related("contact", "assignee", "team")
        .order_by("-priority", "-last_message_at", "-id")
    )


def facets(user: AbstractBaseUser, filters: Filters) -> dict[str, list[dict]]:
    """Each filter option with its count and whether it is chosen; one query per dimension."""
    conditions = _conditions(filters, user)
    base = visible_conversations(user)
    teams = list(Team.objects.filter(id__in=team_ids(user)).order_by("name"))
    options = {
        "view": [(key, label, _by_view(key, user)) for key, label in VIEWS],
        "status": [(key, label, _by_status(key)) for key, label in STATUSES],
        "channel": [("", _("Elk kanaal"), Q())]
        + [(key, label, _by_channel(key)) for key, label in CHANNELS],
        "team": [(None, _("Elk team"), Q())] + [(t.pk, t.name, _by_team(t.pk)) for t in teams],
    }
    result: dict[str, list[dict]] = {}
    for dimension, choices in options.items():
        rest = base.filter(_except(conditions, dimension))
        counts = rest.aggregate(
            **{f"c{i}": Count("id", filter=q or None) for i, (_k, _l, q) in enumerate(choices)}
        )
        current = getattr(filters, dimension)
        result[dimension] = [
            {
                "key": key,
                "label": label,
                "count": counts[f"c{i}"],
                "selected": key == current,
                "query": filters.as_query(**{dimension: key}),
            }
            for i, (key, label, _q) in enumerate(choices)
        ]
    return result
