"""A surge: 200 customers write across every channel to a team of 8 mixed agents. Every case
ends assigned or visibly queued, no agent goes over capacity, and nobody waits while a
qualified agent has room."""

import random
import time

from bereikbaar.conversations.models import Conversation
from bereikbaar.routing.assign import has_room, loads
from bereikbaar.routing.casework import set_status
from bereikbaar.routing.models import AgentProfile, Team

from .conftest import agent, write

TEXTS = [
    "Hallo, wanneer wordt mijn pakket bezorgd?",
    "Dit is echt belachelijk!! Ik heb al drie keer gebeld en niemand helpt me",
    "Ik ben erg ongerust, er is geld van mijn rekening afgeschreven dat ik niet ken",
    "Hello, could you tell me when my parcel will arrive please?",
    "Ik heb geen stroom en geen verwarming, vandaag nog oplossen aub",
    "Bedankt voor de snelle hulp!",
    "Mijn factuur klopt niet, kunt u dat nakijken?",
    "",
]
CHANNELS = ["email", "email", "whatsapp", "sms", "webchat", "phone", "api"]


def cast(team: Team) -> list[AgentProfile]:
    return [
        agent("calm1", team, skills=("de-escalation",), capacity={"webchat": 2}),
        agent("calm2", team, skills=("de-escalation",), languages=("nl", "en")),
        agent("en1", team, languages=("en",), capacity={"email": 5}),
        agent("mail1", team, capacity={"phone": 0, "webchat": 0, "email": 15}, limit=15),
        agent("chat1", team, capacity={"webchat": 4, "email": 0}),
        agent("small", team, limit=2),
        agent("away", team, presence="away"),
        agent("onthephone", team, presence="on_call"),
    ]


def check(agents: list[AgentProfile]) -> tuple[int, int]:
    """Assert the invariants; returns (assigned, queued)."""
    ids = [a.user_id for a in agents]
    load = loads(ids)
    for a in agents:
        a.refresh_from_db()
        mine = load[a.user_id]
        if a.presence != "online":
            assert mine.total == 0, a
            continue
        assert mine.total <= a.max_concurrent, a
        assert mine.shares(a) <= 1 + 1e-9, (a, dict(mine.per_channel))
        for channel, n in mine.per_channel.items():
            assert n <= a.limit(channel), (a, channel, n)
    active = Conversation.objects.filter(status="open").select_related("routing")
    assigned = queued = 0
    for c in active:
        if c.assignee_id:
            assigned += 1
            continue
        queued += 1
        assert c.team_id and c.routing.queued_at is not None and c.routing.waiting_reason
        for a in agents:  # nobody waits while a qualified online agent has room
            if a.presence == "online":
                assert not has_room(a, load[a.user_id], c.last_inbound_channel), (c, a)
    return assigned, queued


def test_a_surge_of_200_across_channels_ends_assigned_or_queued(team):
    agents = cast(team)
    rng = random.Random(8)
    started = time.perf_counter()
    for i in range(200):
        write(f"klant{i}", rng.choice(TEXTS), channel=rng.choice(CHANNELS))
    elapsed = time.perf_counter() - started
    assert Conversation.objects.count() == 200
    assigned, queued = check(agents)
    assert assigned + queued == 200 and assigned > 0 and queued > 0
    assert elapsed < 30

    # Angry or nervous customers went to de-escalation agents while they had room.
    calm = {a.user_id for a in agents if "de-escalation" in a.skills}
    emotional = Conversation.objects.filter(routing__emotion__in=["angry", "nervous"])
    assert emotional.filter(assignee_id__in=calm).exists()

    # Resolving everything assigned drains the queue, in order, without breaking capacity.
    for _ in range(20):
        busy = list(Conversation.objects.filter(status="open").exclude(assignee=None)[:50])
        if not busy:
            break
        for c in busy:
            set_status(c, Conversation.Status.RESOLVED)
        check(agents)
    assert not Conversation.objects.filter(status="open").exists()
