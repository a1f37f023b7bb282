"""The optional receipt for a new email case, with an honest expected reply time.

Sent only when the inbox asks for it, only for a new case opened by a person (never for an
auto-reply or bounce), never to a no-reply address, and marked Auto-Submitted so the
customer's own auto-responder stays quiet. It does not count as the first response.
"""

import math
from datetime import timedelta

from django.utils import timezone

from bereikbaar.channels.email.ids import is_noreply
from bereikbaar.conversations.models import Message

RECEIPT_EVERY = timedelta(hours=24)
AUTOMATED_TAG = "automatisch"  # intake.ingest tags a case opened by an auto-reply so

TEXT = {
    "nl": (
        "Beste {name},\n\n"
        "Bedankt voor uw bericht. We hebben het ontvangen onder nummer #{case}.\n"
        "{wait}\n\n"
        "U hoeft niets te doen; antwoorden op deze mail komen bij hetzelfde gesprek.\n\n"
        "Met vriendelijke groet,\n{team}"
    ),
    "en": (
        "Dear {name},\n\n"
        "Thank you for your message. We have received it as case #{case}.\n"
        "{wait}\n\n"
        "There is nothing you need to do; replies to this email join the same case.\n\n"
        "Kind regards,\n{team}"
    ),
}


def on_message_saved(sender, instance: Message, created: bool, **kwargs) -> None:
    """post_save hook: a new case's first inbound email gets a receipt, if the inbox wants."""
    if not created or instance.direction != Message.Direction.INBOUND:
        return
    if instance.channel != "email" or not instance.provider_id:
        return
    from bereikbaar.channels.email.models import EmailInbox

    if not EmailInbox.objects.filter(enabled=True, acknowledge=True).exists():
        return  # the common case costs one query
    conversation = instance.conversation
    if AUTOMATED_TAG in (conversation.tags or []):
        return
    if conversation.messages.exclude(pk=instance.pk).exists():
        return
    from bereikbaar.channels.email.sender import _inbox, thread_of

    thread = thread_of(instance)
    inbox = _inbox(thread.delivered_to)
    if inbox is None or not inbox.acknowledge or thread.auth_failed:
        return  # a forged sender must not make us mail a stranger (backscatter)
    contact = conversation.contact
    emails = contact.identities.filter(kind="email").values_list("value", flat=True)
    if not emails or all(is_noreply(e) for e in emails):
        return
    recent = Message.objects.filter(
        conversation__contact=contact,
        direction=Message.Direction.OUTBOUND,
        author__isnull=True,
        created_at__gte=timezone.now() - RECEIPT_EVERY,
    )
    if recent.exists():
        return  # one receipt per person per day, however many cases they open
    language = "en" if contact.language == "en" else "nl"
    text = TEXT[language].format(
        name=contact.name or ("klant" if language == "nl" else "customer"),
        case=conversation.pk,
        wait=wait_sentence(language),
        team=inbox.name or inbox.address,
    )
    receipt = Message.objects.create(
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        channel="email",
        text=text,
        author=None,  # no author: the sender marks it Auto-Submitted
        delivery_status=Message.Delivery.QUEUED,
    )
    from bereikbaar.delivery.tasks import send_message

    send_message.enqueue(receipt.pk)  # the task table is in this transaction: both or neither


def wait_sentence(language: str) -> str:
    """The same honest figure as the public contact page, or no promise at all."""
    minutes = expected_minutes()
    if minutes is None:
        return (
            "We reageren zo snel mogelijk."
            if language == "nl"
            else "We will answer as soon as we can."
        )
    span = duration(minutes, language)
    if language == "nl":
        return f"Op dit moment reageren we meestal binnen {span}."
    return f"At the moment we usually answer within {span}."


def expected_minutes() -> float | None:
    try:
        from bereikbaar.routing.waits import expected_waits
    except ImportError:
        return None
    [wait] = expected_waits([{"kind": "email", "label": "E-mail", "value": "", "href": ""}])
    return wait.minutes


def duration(minutes: float, language: str) -> str:
    nl = language == "nl"
    if minutes < 60:
        n = max(1, math.ceil(minutes / 5) * 5) if minutes >= 5 else 5
        return f"{n} minuten" if nl else f"{n} minutes"
    if minutes < 36 * 60:
        n = math.ceil(minutes / 60)
        return (f"{n} uur") if nl else (f"{n} hour" if n == 1 else f"{n} hours")
    n = math.ceil(minutes / 1440)
    return (
        (f"{n} dag" if n == 1 else f"{n} dagen") if nl else (f"{n} day" if n == 1 else f"{n} days")
    )
