"""Per-conversation facts (analytics.ConversationFact), kept up to date incrementally.

The figures used to find each conversation's first customer channel, first and last customer
message and first reply with correlated subqueries, once per figure: ~36 s for the dashboard
over a million messages. Those answers only change when a message of the conversation changes,
so they are computed once and kept.

How they stay right, without a hook in intake or conversations:

- Django's own post_save/post_delete signals on Message and Conversation raise the row's
  ``dirty`` counter (one indexed UPDATE; a case link moves messages with a queryset update but
  saves both conversations, so it is seen too). A conversation without a row yet needs nothing.
  Within one transaction the counter is raised once per conversation, and not at all for a
  conversation inserted in it (see _Marks): one UPDATE per filed message at most, in the same
  transaction as the change, so a mark is never lost to a crash.
- :func:`ensure` runs before the figures read: it computes the missing and dirty rows of the
  conversations in scope (usually few). A dirty row is only cleared if nobody raised it again
  meanwhile.
- :func:`rebuild` recomputes every row in batches (``bereikbaar analytics rebuild``): the
  backfill after an upgrade or a bulk load that bypassed signals, and the recovery path.

The rules here must equal the from-scratch SQL in analytics.scope exactly; the tests compare
the two on a generated history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from threading import local

from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from bereikbaar.analytics.models import ConversationFact, MessageEmotion
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.text.signals import analyse

CONCURRENT = timedelta(minutes=30)
REPEAT_WINDOW = timedelta(days=7)
BATCH = 500  # conversations per round trip (well under SQLite's bound parameters)
INBOUND = Message.Direction.INBOUND


def _emotions(message_ids: set[int]) -> dict[int, str]:
    """The cached emotion of each message, analysing (and caching) the ones not seen yet."""
    known: dict[int, str] = {}
    ids = sorted(message_ids)
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        known.update(
            MessageEmotion.objects.filter(message_id__in=chunk).values_list("message_id", "emotion")
        )
    missing = [pk for pk in ids if pk not in known]
    new: list[MessageEmotion] = []
    seen: dict[str, str] = {}
    for i in range(0, len(missing), BATCH):
        rows = Message.objects.filter(pk__in=missing[i : i + BATCH]).values_list("pk", "text")
        for pk, text in rows:
            if text not in seen:
                seen[text] = analyse(text).emotion
            known[pk] = seen[text]
            new.append(MessageEmotion(message_id=pk, emotion=seen[text]))
    MessageEmotion.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    return known


def _concurrent(inbound: list[tuple]) -> bool:
    """Two customer messages on different channels within CONCURRENT of each other."""
    for i, (_pk, channel, at) in enumerate(inbound):
        for _pk2, channel2, at2 in inbound[i + 1 :]:
            if at2 > at + CONCURRENT:
                break
            if channel2 != channel:
                return True
    return False


def compute(conversation_ids: Iterable[int]) -> list[ConversationFact]:
    """Fresh (unsaved) facts for these conversations, from their messages."""
    ids = list(conversation_ids)
    inbound: dict[int, list[tuple]] = {pk: [] for pk in ids}
    replies: dict[int, object] = {}
    created: dict[int, object] = {}
    for i in range(0, len(ids), BATCH):
        chunk = ids[i : i + BATCH]
        created.update(Conversation.objects.filter(pk__in=chunk).values_list("pk", "created_at"))
        rows = (
            Message.objects.filter(conversation_id__in=chunk, direction=INBOUND)
            .order_by("conversation_id", "created_at", "id")
            .values_list("conversation_id", "pk", "channel", "created_at")
        )
        for conversation_id, pk, channel, at in rows:
            inbound[conversation_id].append((pk, channel, at))
        replies.update(
            Message.objects.filter(conversation_id__in=chunk, direction=Message.Direction.OUTBOUND)
            .values("conversation_id")
            .annotate(first=Min("created_at"))
            .values_list("conversation_id", "first")
        )
    wanted = {m[0][0] for m in inbound.values() if m} | {m[-1][0] for m in inbound.values() if m}
    emotion = _emotions(wanted)
    facts = []
    for pk in ids:
        if pk not in created:
            continue  # deleted meanwhile
        messages = inbound[pk]
        local = timezone.localtime(created[pk], timezone.get_default_timezone())
        fact = ConversationFact(
            conversation_id=pk,
            first_reply_at=replies.get(pk),
            week=local.date() - timedelta(days=local.weekday()),
            repeat_since=created[pk] - REPEAT_WINDOW,
        )
        if messages:
            first, last = messages[0], messages[-1]
            used = sorted({m[1] for m in messages})
            fact.first_channel = first[1]
            fact.channels = "," + ",".join(used) + ","
            fact.multichannel = any(m[1] != first[1] for m in messages)
            fact.concurrent = _concurrent(messages)
            fact.start_emotion = emotion.get(first[0])
            fact.end_emotion = None if last[0] == first[0] else emotion.get(last[0])
        facts.append(fact)
    return facts


FIELDS = [
    "first_channel",
    "channels",
    "multichannel",
    "concurrent",
    "start_emotion",
    "end_emotion",
    "first_reply_at",
    "week",
    "repeat_since",
]


def _store_new(ids: list[int]) -> int:
    facts = compute(ids)
    ConversationFact.objects.bulk_create(facts, batch_size=BATCH, ignore_conflicts=True)
    return len(facts)


def _store_dirty(seen: dict[int, int]) -> int:
    """Recompute dirty rows; each is cleared only if its counter did not move meanwhile."""
    done = 0
    for fact in compute(seen):
        values = {name: getattr(fact, name) for name in FIELDS}
        done += ConversationFact.objects.filter(
            pk=fact.conversation_id, dirty=seen[fact.conversation_id]
        ).update(dirty=0, **values)
    return done


def ensure(scope: QuerySet[Conversation]) -> int:
    """Bring the facts of these conversations up to date: missing rows are computed and dirty
    ones recomputed. Returns how many rows were written."""
    # One scan of the scope (left join to the facts) finds both kinds.
    missing, dirty = [], {}
    stale = scope.filter(Q(analytics_fact__isnull=True) | Q(analytics_fact__dirty__gt=0))
    for pk, fact, counter in stale.values_list("pk", "analytics_fact", "analytics_fact__dirty"):
        if fact is None:
            missing.append(pk)
        else:
            dirty[pk] = counter
    done = 0
    for i in range(0, len(missing), BATCH * 4):
        done += _store_new(missing[i : i + BATCH * 4])
    if dirty:
        done += _store_dirty(dirty)
    if done:
        forget()
    return done


def rebuild(progress: Callable[[int, int], None] | None = None, batch: int = 5000) -> int:
    """Recompute every conversation's facts, in id ranges of ``batch``; ``progress(done,
    total)`` after each. Each range is replaced in its own transaction, so the dashboard keeps
    working (and an interrupted rebuild can simply be run again)."""
    bounds = Conversation.objects.aggregate(low=Min("pk"), high=Max("pk"))
    total = Conversation.objects.count()
    done = 0
    if bounds["low"] is None:
        return 0
    low = bounds["low"]
    while low <= bounds["high"]:
        ids = list(
            Conversation.objects.filter(pk__gte=low, pk__lt=low + batch)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        with transaction.atomic():
            ConversationFact.objects.filter(pk__gte=low, pk__lt=low + batch).delete()
            for i in range(0, len(ids), BATCH * 4):
                done += _store_new(ids[i : i + BATCH * 4])
        forget()
        low += batch
        if progress:
            progress(done, total)
    return done


class _Marks:
    """What this connection's current transaction already did about the facts.

    Raising a counter once per conversation per transaction is enough: the raise commits (or
    rolls back) together with every later change of that transaction. Django replaces
    ``connection.run_on_commit`` with a new list at every commit, rollback and savepoint
    rollback, so holding the list it had when the set was filled tells whether the set still
    belongs to the open transaction; on any rollback the set is dropped and marks are raised
    again. Outside an atomic block every save is its own transaction and is always marked.
    """

    def __init__(self) -> None:
        self.owner: object = None
        self.marked: set[int] = set()  # counter raised in this transaction
        self.created: set[int] = set()  # conversation inserted in this transaction (no row yet)

    def current(self) -> _Marks | None:
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            return None
        if self.owner is not connection.run_on_commit:
            self.owner = connection.run_on_commit
            self.marked.clear()
            self.created.clear()
        return self


_marks = local()


def _state() -> _Marks | None:
    if not hasattr(_marks, "state"):
        _marks.state = _Marks()
    return _marks.state.current()


def forget() -> None:
    """Facts were written on this connection: later changes must raise their counter again."""
    if hasattr(_marks, "state"):
        _marks.state.owner = None


_MARK = "UPDATE analytics_conversationfact SET dirty = dirty + 1 WHERE conversation_id = %s"


def mark_dirty(conversation_id: int | None) -> None:
    if conversation_id is None:
        return
    state = _state()
    if state is not None:
        if conversation_id in state.marked or conversation_id in state.created:
            return
        state.marked.add(conversation_id)
    with connection.cursor() as cursor:  # per message filed: the ORM's update cost 4× this
        cursor.execute(_MARK, [conversation_id])


def _message_changed(sender, instance: Message, **kwargs) -> None:
    mark_dirty(instance.conversation_id)


def _conversation_saved(sender, instance: Conversation, created: bool, **kwargs) -> None:
    if not created:
        mark_dirty(instance.pk)
        return
    # Not committed, so no facts row can exist for it outside this transaction (and ensure in
    # this transaction calls forget); its messages need no mark until the transaction ends.
    state = _state()
    if state is not None:
        state.created.add(instance.pk)


def connect() -> None:
    """Listen to Django's model signals (called from AnalyticsConfig.ready)."""
    post_save.connect(_message_changed, sender=Message, dispatch_uid="analytics-facts-msg")
    post_delete.connect(_message_changed, sender=Message, dispatch_uid="analytics-facts-del")
    post_save.connect(_conversation_saved, sender=Conversation, dispatch_uid="analytics-facts-conv")
