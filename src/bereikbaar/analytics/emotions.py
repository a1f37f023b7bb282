"""The emotion of each customer message, cached: the figures count first and last ones.

text.signals is a pure function of the text, so each message is analysed once and the answer
kept in MessageEmotion (analytics.facts reads and fills the same cache for the first and
last customer message). :func:`ensure` serves the from-scratch computation (scope.from_scratch),
which counts emotions with a join: only the messages that have no cached answer yet are read,
in batches.
"""

from django.db.models import Exists, OuterRef, QuerySet

from bereikbaar.analytics.models import MessageEmotion
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.text.signals import analyse

BATCH = 1000


def ensure(qs: QuerySet[Conversation]) -> int:
    """Analyse the customer messages of these conversations that are not cached yet (one
    anti-join; most conversations hold only a first and a last one). Returns how many."""
    wanted = Message.objects.filter(
        conversation__in=qs.values("pk"), direction=Message.Direction.INBOUND
    ).filter(~Exists(MessageEmotion.objects.filter(message_id=OuterRef("pk"))))
    done = 0
    batch: list[MessageEmotion] = []
    seen: dict[str, str] = {}  # the same text ("Bedankt!") is analysed once per run
    for pk, text in wanted.order_by().values_list("pk", "text").iterator(chunk_size=BATCH):
        emotion = seen.get(text)
        if emotion is None:
            emotion = analyse(text).emotion
            if len(seen) < 100_000:
                seen[text] = emotion
        batch.append(MessageEmotion(message_id=pk, emotion=emotion))
        if len(batch) >= BATCH:
            done += len(MessageEmotion.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        done += len(MessageEmotion.objects.bulk_create(batch, ignore_conflicts=True))
    return done
