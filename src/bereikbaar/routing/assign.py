"""Assignment: the least-loaded qualified agent with room, round robin on ties; otherwise the case
waits in its team's queue, in priority order, until someone frees up.

Capacity is counted per channel in shares of an agent: with the defaults a call fills an agent
(1 of 1), a chat takes a third (1 of 3) and an email a tenth (1 of 10); a new case fits when
the agent's shares plus its own stay at most 1, its channel's count stays under that channel's
limit and the total stays under `max_concurrent`. Only agents whose presence is "online" get new
cases. Preferences, best first: speaks the customer's language and (for an angry or nervous
customer) has the de-escalation skill; a skill a rule demands is required, not preferred.

Every write is a conditional UPDATE after locking the chosen agent's row and counting again, so
workers running side by side on PostgreSQL never push an agent over capacity.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from bereikbaar.conversations.models import Conversation
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing import config
from bereikbaar.routing.access import groups_for
from bereikbaar.routing.models import (
    DE_ESCALATION,
    DEFAULT_CAPACITY,
    AgentProfile,
    CaseRouting,
    Team,
)

User = get_user_model()
EMOTIONAL = ("angry", "nervous")
QUEUE_SCAN = 500  # a drain looks at most this many waiting cases per team
PAGE = 50
EPOCH = datetime.min.replace(tzinfo=UTC)


def default_team() -> Team | None:
    """The team marked default, else the oldest (cached: see config.py)."""
    return config.current().default_team


@dataclass
class Need:
    """What a case asks of an agent."""

    channel: str = ""
    language: str = ""
    skill: str = ""
    emotional: bool = False

    @classmethod
    def of(cls, conversation: Conversation, channel: str = "") -> "Need":
        case = getattr(conversation, "routing", None) if conversation.pk else None
        return cls(
            channel=channel or conversation.last_inbound_channel,
            language=case.language if case else "",
            skill=case.skill if case else "",
            emotional=bool(case and case.emotion in EMOTIONAL),
        )


@dataclass
class Load:
    total: int = 0
    per_channel: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def shares(self, profile: AgentProfile) -> float:
        used = 0.0
        for channel, n in self.per_channel.items():
            limit = profile.limit(channel)
            used += n / limit if limit else float("inf") if n else 0.0
        return used


# Pool's two reads run for every new case; through the ORM, building them cost several times
# what the database took to answer (bench/ingest.py, cProfile), so they are plain SQL.
_LOADS = (
    "SELECT assignee_id, last_inbound_channel, COUNT(*) FROM conversations_conversation"
    " WHERE assignee_id IN ({users}) AND status IN ({statuses})"
    " GROUP BY assignee_id, last_inbound_channel"
)
_ONLINE = (
    "SELECT p.* FROM routing_agentprofile p"
    " JOIN {teams} t ON t.agentprofile_id = p.id JOIN {users} u ON u.id = p.user_id"
    " WHERE t.team_id = %s AND p.presence = %s AND u.is_active = %s"
)


def loads(user_ids: Iterable[int]) -> dict[int, Load]:
    """Active assigned cases per agent and channel, in one query."""
    out: dict[int, Load] = defaultdict(Load)
    users = list(user_ids)
    if not users:
        return out
    sql = _LOADS.format(
        users=", ".join(["%s"] * len(users)),
        statuses=", ".join(["%s"] * len(Conversation.ACTIVE)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*users, *map(str, Conversation.ACTIVE)])
        rows = cursor.fetchall()
    for assignee_id, channel, n in rows:
        load = out[assignee_id]
        load.total += n
        load.per_channel[channel] += n
    return out


def online_agents(team: Team) -> list[AgentProfile]:
    """The team's active agents whose presence is "online" (their users are not loaded)."""
    sql = _ONLINE.format(teams=AgentProfile.teams.through._meta.db_table, users=User._meta.db_table)
    return list(AgentProfile.objects.raw(sql, [team.pk, AgentProfile.Presence.ONLINE.value, True]))


def has_room(profile: AgentProfile, load: Load, channel: str) -> bool:
    limit = profile.limit(channel)
    if limit <= 0 or load.total >= profile.max_concurrent:
        return False
    if load.per_channel.get(channel, 0) >= limit:
        return False
    return load.shares(profile) + 1 / limit <= 1 + 1e-9


def preference(profile: AgentProfile, need: Need) -> int:
    """0 is best: language and de-escalation both fit, then language, then de-escalation."""
    speaks = not need.language or need.language in (profile.languages or [])
    calms = not need.emotional or DE_ESCALATION in (profile.skills or [])
    return (0 if speaks else 2) + (0 if calms else 1)


class Pool:
    """The online agents of one team and their loads, kept up to date as cases are handed out."""

    def __init__(self, team: Team) -> None:
        self.team = team
        self.agents = online_agents(team)
        self.loads = loads(a.user_id for a in self.agents)

    def choose(self, need: Need, exclude: Iterable[int] = ()) -> AgentProfile | None:
        skip = set(exclude)
        fits = [
            a
            for a in self.agents
            if a.user_id not in skip
            and (not need.skill or need.skill in (a.skills or []))
            and has_room(a, self.loads[a.user_id], need.channel)
        ]
        if not fits:
            return None
        return min(
            fits,
            key=lambda a: (
                preference(a, need),
                round(self.loads[a.user_id].shares(a), 6),
                a.last_assigned_at or EPOCH,
                a.pk,
            ),
        )

    def took(self, profile: AgentProfile, channel: str) -> None:
        load = self.loads[profile.user_id]
        load.total += 1
        load.per_channel[channel] += 1

    def anyone_free(self) -> bool:
        """Has any agent room for a case on at least one channel?"""
        channels = set(DEFAULT_CAPACITY)
        return any(
            has_room(a, self.loads[a.user_id], channel)
            for a in self.agents
            for channel in channels | set(a.capacity or {})
        )


def pick_agent(
    team: Team, need: Need | None = None, exclude: Iterable[int] = ()
) -> AgentProfile | None:
    """None when no qualified online agent has room: the conversation then waits in the queue."""
    return Pool(team).choose(need or Need(), exclude)


def give(conversation: Conversation, profile: AgentProfile, channel: str) -> bool:
    """Assign under the agent's row lock, counting again; False if the agent filled up meanwhile
    or someone else took the case."""
    with transaction.atomic():
        return _give(conversation, profile, channel)


def _give(conversation: Conversation, profile: AgentProfile, channel: str) -> bool:
    locked = AgentProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.presence != AgentProfile.Presence.ONLINE:
        return False
    if not has_room(locked, loads([locked.user_id])[locked.user_id], channel):
        return False
    taken = Conversation.objects.filter(pk=conversation.pk, assignee__isnull=True).update(
        assignee_id=locked.user_id
    )
    if not taken:
        return False
    now = timezone.now()
    AgentProfile.objects.filter(pk=locked.pk).update(last_assigned_at=now)
    profile.last_assigned_at = now
    conversation.assignee_id = locked.user_id
    CaseRouting.objects.filter(conversation_id=conversation.pk).update(
        queued_at=None, waiting_reason=""
    )
    return True


def route(conversation: Conversation, channel: str = "") -> Conversation:
    """Give a conversation a team and, if a qualified agent has room, an assignee; otherwise
    it waits in the team queue with the reason."""
    if conversation.team_id is None:
        conversation.team = default_team()
        if conversation.team is not None:
            conversation.save(update_fields=["team"])
    if conversation.assignee_id is not None or conversation.team_id is None:
        if conversation.team_id is None:
            wait(conversation, "no team to route to")
        return conversation
    need = Need.of(conversation, channel)
    pool = Pool(conversation.team)
    tried: list[int] = []
    while (agent := pool.choose(need, tried)) is not None:
        if give(conversation, agent, need.channel):
            return conversation
        tried.append(agent.user_id)
    wait(conversation, why_waiting(pool, need))
    return conversation


def why_waiting(pool: Pool, need: Need) -> str:
    if not pool.agents:
        return "nobody in the team is online"
    if need.skill and not any(need.skill in (a.skills or []) for a in pool.agents):
        return f"nobody online has the skill {need.skill}"
    return "every qualified agent is at capacity"


def wait(conversation: Conversation, reason: str) -> None:
    """Put the case in its team queue (keeping its place if it was already waiting)."""
    cached = Conversation.routing.is_cached(conversation)  # e.g. triage's, just saved
    case = getattr(conversation, "routing", None) if cached else None
    if case is None:
        case, _created = CaseRouting.objects.get_or_create(conversation=conversation)
    case.waiting_reason = reason[:200]
    case.queued_at = case.queued_at or case.first_inbound_at or timezone.now()
    if case.pk is not None:  # else triage is making it and inserts it with these
        case.save(update_fields=["waiting_reason", "queued_at"])


def queue(team: Team | int):
    """The team's waiting cases, most urgent first, then longest waiting."""
    team_id = team.pk if isinstance(team, Team) else team
    return (
        Conversation.objects.filter(
            team_id=team_id, assignee__isnull=True, status=Conversation.Status.OPEN
        )
        .select_related("routing")
        .annotate(waiting_since=Coalesce("routing__queued_at", "created_at"))
        .order_by("-priority", "waiting_since", "id")
    )


def drain(team: Team, skip: Iterable[int] = ()) -> list[Conversation]:
    """Offer the team's waiting cases, in order, to agents who have room (except the cases in
    `skip`: one just handed back waits for the next offer)."""
    pool = Pool(team)
    given: list[Conversation] = []
    if not pool.anyone_free():
        return given
    skip = set(skip)
    # Agents only fill up during a drain, so a channel and skill nobody could take once
    # stays untakeable: later cases needing the same are passed over without a search.
    full: set[tuple[str, str]] = set()
    passed = scanned = 0  # cases left waiting ahead of the next page
    while scanned < QUEUE_SCAN:
        page = list(queue(team)[passed : passed + PAGE])
        for conversation in page:
            scanned += 1
            need = Need.of(conversation)
            if conversation.pk in skip or (need.channel, need.skill) in full:
                passed += 1
                continue
            tried: list[int] = []
            while (agent := pool.choose(need, tried)) is not None:
                if give(conversation, agent, need.channel):
                    pool.took(agent, need.channel)
                    given.append(conversation)
                    announce(conversation)
                    break
                tried.append(agent.user_id)
            else:
                passed += 1
                full.add((need.channel, need.skill))
            if not pool.anyone_free():
                return given
        if len(page) < PAGE:
            break
    return given


def drain_for(profile: AgentProfile, skip: Iterable[int] = ()) -> list[Conversation]:
    """An agent has room again: offer them (and their teams' other free agents) the queue."""
    given = []
    for team in profile.teams.all():
        given += drain(team, skip)
    return given


def announce(conversation: Conversation) -> None:
    publish(
        events.CONVERSATION_UPDATED,
        {"conversation_id": conversation.pk, "fields": ["assignee"]},
        groups_for(conversation),
    )


def release(user_id: int, reason: str) -> list[Conversation]:
    """Take an agent's open cases back into their queues and offer them to colleagues."""
    conversations = list(
        Conversation.objects.filter(assignee_id=user_id, status=Conversation.Status.OPEN)
        .select_related("team")
        .order_by("id")
    )
    teams: dict[int, Team] = {}
    for conversation in conversations:
        Conversation.objects.filter(pk=conversation.pk).update(assignee=None)
        conversation.assignee_id = None
        wait(conversation, reason)
        announce(conversation)
        if conversation.team_id:
            teams[conversation.team_id] = conversation.team
    for team in teams.values():
        drain(team)
    return conversations


__all__ = [
    "Need",
    "Pool",
    "default_team",
    "drain",
    "drain_for",
    "give",
    "loads",
    "pick_agent",
    "queue",
    "release",
    "route",
]
