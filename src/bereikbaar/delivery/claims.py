"""Claiming a send before calling the provider, so two runs of one task never both send.

take() is a conditional UPDATE of the message's SendClaim, in autocommit as a worker runs the
task (so committed before the provider is called): exactly one run changes the row and sends.
What a run that finds the claim held does depends on how old it is:

- younger than SENDING_TIMEOUT: another run is talking to the provider now (every sender has an
  HTTP timeout of ~15 s); this run stops and leaves the message to it.
- older: the run that held it died mid-call (its task was given back by recovery, after
  recovery.STALE). Whether the provider accepted the message is unknown. A sender whose
  provider deduplicates retries (Twilio with the message's idempotency token, the API channel's
  Idempotency-Key) is safe to call again and takes the claim over; a sender marked
  `resend_when_unsure = False` (WhatsApp: the Cloud API has no idempotency key) is not called
  again. The message keeps its status with a note for the agent (UNSURE): sending again could
  put the same text on the customer's phone twice, which is worse than one reply the agent may
  need to send again. Its status webhooks name a wamid we never recorded, but they carry the
  reference of ours that the send gave Meta (reference_for, as `biz_opaque_callback_data`):
  adopt() matches them to the message, records the wamid and releases the claim, as the
  answer would have; the status then moves the message on and clears the note.

A send whose own provider call ended without an answer (SendError.unsure) keeps its claim the
same way, so no retry and no later run sends it.
"""

import enum
import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bereikbaar.conversations.delivery_status import settle_early
from bereikbaar.conversations.models import Message
from bereikbaar.delivery.models import SendClaim

SENDING_TIMEOUT = timedelta(minutes=2)  # well above any sender's HTTP timeout, below STALE


def unsure_note() -> str:
    return _(
        "Onbekend of dit bericht is verzonden: de verbinding met de aanbieder viel weg na het "
        "versturen. Het wordt niet opnieuw verstuurd; controleer het gesprek voordat u het "
        "nogmaals stuurt."
    )


class Verdict(enum.Enum):
    SEND = "send"  # this run holds the claim: call the provider
    BUSY = "busy"  # another run holds it right now
    UNSURE = "unsure"  # a dead run held it; the provider may have the message already


@dataclass(frozen=True)
class Taken:
    verdict: Verdict
    token: str = ""


def token_for(message: Message) -> str:
    """The message's idempotency token, the same on every try (created on first use)."""
    claim, _created = SendClaim.objects.get_or_create(
        message_id=message.pk, defaults={"token": uuid.uuid4().hex}
    )
    return claim.token


def take(message: Message, *, resend_when_unsure: bool, now: datetime | None = None) -> Taken:
    """Claim the send of `message` for this run, or say why not."""
    now = now or timezone.now()
    token = token_for(message)
    rows = SendClaim.objects.filter(pk=message.pk)
    claim = {"sending_since": now, "tries": F("tries") + 1}
    if rows.filter(sending_since__isnull=True).update(**claim):
        return Taken(Verdict.SEND, token)
    stale = rows.filter(sending_since__lt=now - SENDING_TIMEOUT)
    if not stale.exists():
        return Taken(Verdict.BUSY)
    if not resend_when_unsure:
        return Taken(Verdict.UNSURE)
    if stale.update(**claim):  # none, if another run took it over a moment ago
        return Taken(Verdict.SEND, token)
    return Taken(Verdict.BUSY)


def release(message: Message, *, new_token: bool = False) -> None:
    """The provider answered (or was never reached): the next run may claim again.

    `new_token`: the send failed for good; a later deliberate resend is a new request, not a
    retry of this one, so it gets a token of its own.
    """
    fields: dict = {"sending_since": None}
    if new_token:
        fields["token"] = uuid.uuid4().hex
    SendClaim.objects.filter(pk=message.pk).update(**fields)


def adopted_meanwhile(message: Message) -> bool:
    """Whether a status carrying our reference matched this send while the run sending it
    (which holds the claim) waited for the provider's answer: adopt() released the claim."""
    return SendClaim.objects.filter(pk=message.pk, sending_since__isnull=True).exists()


def reference_for(message: Message) -> str:
    """What a provider may echo back with its statuses for `message` ("<id>:<token>"): the id
    finds the claim by its key, the token (unguessable) proves the status is about this send."""
    return f"{message.pk}:{token_for(message)}"


def adopt(channel: str, reference: str, provider_id: str) -> Message | None:
    """A status names a provider id we never recorded but carries our reference: the message
    whose send lost its answer (or whose answer has not come yet) went out under that id.

    Records the id on the message and releases the claim, as the provider's answer would have;
    statuses parked under that id are applied. Nothing matches a reference of another channel,
    a message that already has its id, an inbound message or a token that is not the claim's.
    """
    pk, _sep, token = reference.partition(":")
    if not (pk.isascii() and pk.isdigit() and len(pk) < 19 and token and provider_id):
        return None  # 19 digits would overflow the database's integer: not one of ours
    if len(provider_id) > 255:
        return None
    if Message.objects.filter(channel=channel, provider_id=provider_id).exists():
        return None  # known already: the status applies to that message as usual
    claim = (
        SendClaim.objects.select_related("message")
        .filter(
            pk=int(pk),
            message__channel=channel,
            message__direction=Message.Direction.OUTBOUND,
            message__provider_id__isnull=True,
        )
        .first()
    )
    theirs = token.encode("utf-8", "replace")
    if claim is None or not hmac.compare_digest(claim.token.encode(), theirs):
        return None
    message = claim.message
    message.provider_id = provider_id
    message.save(update_fields=["provider_id"])
    release(message)
    settle_early(message)
    return message
