"""The conversations a figure counts, and what it needs to know about their messages.

``conversations()`` is the scope: what the user may see (routing.access), in the period and
filters, never an erased contact's (a merged one's moved along). The ``with_*`` helpers add a
conversation's first customer channel, its multichannel flags, its start and end emotion and
its first reply, read from analytics.ConversationFact (one join; see analytics.facts).

Inside ``from_scratch()`` the same names are computed the slow way, with correlated
subqueries over the messages: the definition the facts must equal (the tests compare the
two), and a fallback should the facts ever be in doubt.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncWeek

from bereikbaar.analytics import emotions, facts
from bereikbaar.analytics.base import INBOUND, OUTBOUND, Filters, has_field
from bereikbaar.analytics.models import MessageEmotion
from bereikbaar.contacts.models import Contact
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.routing.access import visible_conversations

CONCURRENT = facts.CONCURRENT
REPEAT_WINDOW = facts.REPEAT_WINDOW
_SCRATCH: ContextVar[bool] = ContextVar("analytics_from_scratch", default=False)
_READY: ContextVar[tuple | None] = ContextVar("analytics_facts_ready", default=None)


@contextmanager
def from_scratch() -> Iterator[None]:
    """Compute every figure from the messages themselves (slow; the reference)."""
    token = _SCRATCH.set(True)
    try:
        yield
    finally:
        _SCRATCH.reset(token)


def scratch() -> bool:
    return _SCRATCH.get()


def _key(user: AbstractBaseUser, f: Filters) -> tuple:
    return (user.pk, f.start, f.end, f.team, f.agent)


@contextmanager
def prepared(user: AbstractBaseUser, f: Filters) -> Iterator[None]:
    """Bring the facts in scope up to date once for several figures (the dashboard)."""
    _ensure(user, f)
    token = _READY.set(_key(user, f))
    try:
        yield
    finally:
        _READY.reset(token)


def _ensure(user: AbstractBaseUser, f: Filters) -> None:
    if scratch() or _READY.get() == _key(user, f):
        return
    facts.ensure(_base(user, f))


def _base(user: AbstractBaseUser, f: Filters) -> QuerySet[Conversation]:
    qs = visible_conversations(user).filter(created_at__gte=f.start, created_at__lt=f.end)
    if has_field(Contact, "erased_at"):
        qs = qs.filter(contact__erased_at__isnull=True)
    if f.team:
        qs = qs.filter(team_id=f.team)
    if f.agent:
        qs = qs.filter(assignee_id=f.agent)
    return qs


def conversations(user: AbstractBaseUser, f: Filters) -> QuerySet[Conversation]:
    """The conversations in scope (their facts brought up to date first)."""
    _ensure(user, f)
    qs = _base(user, f)
    if not f.channel:
        return qs
    if not scratch():
        return qs.filter(analytics_fact__channels__contains=f",{f.channel},")
    return qs.filter(
        Exists(
            Message.objects.filter(
                conversation=OuterRef("pk"), direction=INBOUND, channel=f.channel
            )
        )
    )


def _inbound(order: str = "created_at"):
    desc = order.startswith("-")
    return Message.objects.filter(conversation=OuterRef("pk"), direction=INBOUND).order_by(
        order, "-id" if desc else "id"
    )


def with_first_channel(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    if not scratch():
        return qs.annotate(first_channel=F("analytics_fact__first_channel"))
    return qs.annotate(first_channel=Subquery(_inbound().values("channel")[:1]))


def with_multichannel(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """``multi``: a customer message on another channel than the first; ``concurrent``: two
    on different channels within 30 minutes of each other."""
    if not scratch():
        return qs.annotate(
            multi=F("analytics_fact__multichannel"), concurrent=F("analytics_fact__concurrent")
        )
    later = Message.objects.filter(
        conversation=OuterRef("conversation"),
        direction=INBOUND,
        created_at__gte=OuterRef("created_at"),
        created_at__lte=OuterRef("created_at") + Value(CONCURRENT),
    ).exclude(channel=OuterRef("channel"))
    pairs = Message.objects.filter(conversation=OuterRef("pk"), direction=INBOUND).filter(
        Exists(later)
    )
    other = Message.objects.filter(conversation=OuterRef("pk"), direction=INBOUND).exclude(
        channel=OuterRef("first_channel")
    )
    return qs.annotate(multi=Exists(other), concurrent=Exists(pairs))


def with_emotions(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """``start``: the emotion of the first customer message; ``end``: of the last one, when
    there was more than one."""
    if not scratch():
        return qs.annotate(
            start=F("analytics_fact__start_emotion"), end=F("analytics_fact__end_emotion")
        )
    emotions.ensure(qs)
    qs = qs.annotate(
        first_id=Subquery(_inbound().values("pk")[:1]),
        last_id=Subquery(_inbound("-created_at").values("pk")[:1]),
    )
    start = Subquery(
        MessageEmotion.objects.filter(message_id=OuterRef("first_id")).values("emotion")
    )
    end = Subquery(MessageEmotion.objects.filter(message_id=OuterRef("last_id")).values("emotion"))
    return qs.annotate(
        start=start, end=Case(When(last_id=F("first_id"), then=Value(None)), default=end)
    )


def with_first_reply(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    if not scratch():
        return qs.annotate(first_reply_at=F("analytics_fact__first_reply_at"))
    first_out = Message.objects.filter(conversation=OuterRef("pk"), direction=OUTBOUND).order_by(
        "created_at", "id"
    )
    return qs.annotate(first_reply_at=Subquery(first_out.values("created_at")[:1]))


def with_week(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """``week``: the Monday of the conversation's week (a date, or a datetime from scratch)."""
    if not scratch():
        return qs.annotate(week=F("analytics_fact__week"))
    return qs.annotate(week=TruncWeek("created_at"))


def with_repeat(qs: QuerySet[Conversation]) -> QuerySet[Conversation]:
    """``repeat``: the same customer started another conversation in the 7 days before."""
    since = (
        OuterRef("created_at") - Value(REPEAT_WINDOW)
        if scratch()
        else OuterRef("analytics_fact__repeat_since")
    )
    earlier = Conversation.objects.filter(
        contact=OuterRef("contact"), created_at__lt=OuterRef("created_at"), created_at__gte=since
    )
    return qs.annotate(repeat=Exists(earlier))
