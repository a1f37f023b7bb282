"""A history generator with known parameters, so tests and benchmarks can check that the
figures recover what went in: channel mix, multichannel and concurrent share, emotion at the
start and the end, first-reply and resolution times, repeat contacts, CSAT and help-centre
deflection. Deterministic for a seed; written with bulk inserts.

Every conversation: a first inbound message on a channel drawn from ``mix``, maybe a second
one on another channel (``multichannel_share``; within 30 minutes for ``concurrent_share`` of
those, else 2-20 hours later), a human answer after a log-normal delay whose median is
``reply_minutes[channel]`` (a phone call is answered, the rest get an outbound message), a
last inbound message from the customer, and a resolution after ``resolution_hours`` (median).
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone

from bereikbaar.analytics.models import CsatResponse, CsatSurvey
from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.routing.models import Team

# Texts whose emotion text.signals reads unambiguously (checked by the tests).
TEXTS = {
    "neutral": "Ik heb een vraag over mijn factuur van deze maand.",
    "angry": "Ik ben echt boos, dit is belachelijk!",
    "nervous": "Ik maak me zorgen, ik ben bang dat ik de rekening niet kan betalen.",
    "impatient": "Ik wacht al drie weken, wanneer krijg ik eindelijk antwoord??",
    "grateful": "Heel erg bedankt voor de snelle hulp, top geregeld!",
}
SIGMA = 0.5  # spread of the log-normal delays: p90 = median * exp(1.2816 * SIGMA)


@dataclass
class Params:
    conversations: int = 600
    days: int = 56
    mix: dict[str, float] = field(
        default_factory=lambda: {
            "phone": 0.32,
            "email": 0.30,
            "webchat": 0.13,
            "whatsapp": 0.12,
            "sms": 0.08,
            "api": 0.05,
        }
    )
    multichannel_share: float = 0.2
    concurrent_share: float = 0.6  # of the multichannel conversations
    reply_minutes: dict[str, float] = field(
        default_factory=lambda: {
            "phone": 2,
            "webchat": 3,
            "whatsapp": 30,
            "sms": 90,
            "api": 180,
            "email": 480,
        }
    )
    resolution_hours: float = 20.0
    start_emotions: dict[str, float] = field(
        default_factory=lambda: {
            "neutral": 0.5,
            "angry": 0.2,
            "nervous": 0.15,
            "impatient": 0.15,
        }
    )
    end_emotions: dict[str, float] = field(
        default_factory=lambda: {"neutral": 0.4, "grateful": 0.5, "angry": 0.1}
    )
    repeat_share: float = 0.15
    csat_share: float = 0.4  # of the conversations, answered the survey
    csat_scores: dict[int, float] = field(
        default_factory=lambda: {1: 0.05, 2: 0.05, 3: 0.15, 4: 0.35, 5: 0.4}
    )
    searches: int = 300
    search_contact_share: float = 0.25
    search_empty_share: float = 0.1

    @property
    def csat_mean(self) -> float:
        return sum(s * p for s, p in self.csat_scores.items())

    def reply_p90(self, channel: str) -> float:
        return self.reply_minutes[channel] * math.exp(1.2816 * SIGMA)


@contextmanager
def own_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at we set instead of auto_now_add's 'now'."""
    fields = [m._meta.get_field("created_at") for m in model_classes]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


def _pick(rng: random.Random, weights: dict) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _lognormal(rng: random.Random, median: float) -> float:
    return median * math.exp(SIGMA * rng.gauss(0, 1))


def generate(
    params: Params,
    teams: list[Team],
    agents: list[AbstractBaseUser],
    seed: int = 1,
    now: datetime | None = None,
    message_batch: int = 5000,
) -> dict:
    """Fill the database; returns counts of what was written."""
    rng = random.Random(seed)
    now = (now or timezone.now()).replace(microsecond=0)
    span = timedelta(days=params.days) - timedelta(days=3)
    starts = sorted(
        now - timedelta(days=params.days) + timedelta(seconds=rng.uniform(0, span.total_seconds()))
        for _ in range(params.conversations)
    )
    with transaction.atomic(), own_timestamps(Contact, Conversation, Message, CsatResponse):
        contacts: list[Contact] = []
        plans: list[tuple[datetime, int]] = []  # (created, contact index), in time order
        times: list[datetime] = []
        lo = 0  # the first plan less than 6 days old
        for created in starts:
            while lo < len(times) and created - times[lo] >= timedelta(days=6):
                lo += 1
            hi = bisect.bisect_right(times, created - timedelta(hours=1), lo)
            if hi > lo and rng.random() < params.repeat_share:
                contact = plans[rng.randrange(lo, hi)][1]
            else:
                contacts.append(Contact(name=f"Klant {len(contacts) + 1}", created_at=created))
                contact = len(contacts) - 1
            times.append(created)
            plans.append((created, contact))
        Contact.objects.bulk_create(contacts, batch_size=1000)
        conversations, messages, meta = [], [], []
        for i, (created, contact) in enumerate(plans):
            channel = _pick(rng, params.mix)
            team = teams[i % len(teams)]
            agent = agents[i % len(agents)]
            inbound = [(created, channel, TEXTS[_pick(rng, params.start_emotions)])]
            at = created
            if rng.random() < params.multichannel_share:
                other = rng.choice([c for c in params.mix if c != channel])
                if rng.random() < params.concurrent_share:
                    later = created + timedelta(minutes=rng.uniform(1, 25))
                else:
                    later = created + timedelta(hours=rng.uniform(2, 20))
                inbound.append((later, other, TEXTS["neutral"]))
            human = created + timedelta(minutes=_lognormal(rng, params.reply_minutes[channel]))
            outbound = [] if channel == "phone" else [(human, channel)]
            at = max(human, inbound[-1][0]) + timedelta(minutes=rng.uniform(5, 120))
            inbound.append((at, inbound[-1][1], TEXTS[_pick(rng, params.end_emotions)]))
            resolved = created + timedelta(hours=_lognormal(rng, params.resolution_hours))
            resolved = max(resolved, at + timedelta(minutes=1))
            conversations.append(
                Conversation(
                    contact=contacts[contact],
                    subject=f"Vraag {i + 1}",
                    status=Conversation.Status.RESOLVED,
                    team=team,
                    assignee=agent,
                    created_at=created,
                    last_message_at=at,
                    last_inbound_channel=inbound[-1][1],
                    first_response_at=human,
                    resolved_at=resolved,
                )
            )
            meta.append((inbound, outbound, agent))
        Conversation.objects.bulk_create(conversations, batch_size=1000)
        n_messages = 0
        for conversation, (inbound, outbound, agent) in zip(conversations, meta, strict=True):
            for at, channel, text in inbound:
                messages.append(
                    Message(
                        conversation=conversation,
                        direction=Message.Direction.INBOUND,
                        channel=channel,
                        text=text,
                        created_at=at,
                    )
                )
            for at, channel in outbound:
                messages.append(
                    Message(
                        conversation=conversation,
                        direction=Message.Direction.OUTBOUND,
                        channel=channel,
                        text="Dank voor uw bericht, we helpen u graag.",
                        author=agent,
                        created_at=at,
                    )
                )
            if len(messages) >= message_batch:
                n_messages += len(Message.objects.bulk_create(messages))
                messages = []
        n_messages += len(Message.objects.bulk_create(messages))
        surveys, responses = [], []
        for conversation in conversations:
            if rng.random() >= params.csat_share:
                continue
            survey = CsatSurvey(
                conversation=conversation,
                channel=conversation.last_inbound_channel,
                status=CsatSurvey.Status.ANSWERED,
            )
            surveys.append(survey)
            score = _pick(rng, params.csat_scores)
            responses.append(
                CsatResponse(
                    survey=survey,
                    conversation=conversation,
                    channel=conversation.last_inbound_channel,
                    team_id=conversation.team_id,
                    agent_id=conversation.assignee_id,
                    score=score,
                    created_at=conversation.resolved_at,
                    needs_follow_up=score <= 2,
                )
            )
        CsatSurvey.objects.bulk_create(surveys, batch_size=1000)
        for response in responses:
            response.survey_id = response.survey.pk
        CsatResponse.objects.bulk_create(responses, batch_size=1000)
        searches = _searches(rng, params, now)
    return {
        "contacts": len(contacts),
        "conversations": len(conversations),
        "messages": n_messages,
        "csat": len(responses),
        "searches": searches,
    }


def _searches(rng: random.Random, params: Params, now: datetime) -> int:
    try:
        from bereikbaar.helpcenter.models import SearchQuery
    except (ImportError, RuntimeError):
        return 0
    rows = []
    for i in range(params.searches):
        at = (
            now
            - timedelta(days=params.days)
            + timedelta(seconds=rng.uniform(0, (params.days - 1) * 86400))
        )
        empty = rng.random() < params.search_empty_share
        contacted = rng.random() < params.search_contact_share
        rows.append(
            SearchQuery(
                visitor=f"v{i}",
                query="zonnepanelen terugleveren" if not empty else "warmtepomp subsidie",
                results_count=0 if empty else 3,
                created_at=at,
                contacted_at=at + timedelta(minutes=10) if contacted else None,
            )
        )
    with own_timestamps(SearchQuery):
        SearchQuery.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
