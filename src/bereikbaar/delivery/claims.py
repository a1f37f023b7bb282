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
  need to send again. Its status webhooks name a wamid we never recorded, so they are parked
  (EarlyStatus) rather than matched; matching them needs an id of ours echoed back by Meta.

A send whose own provider call ended without an answer (SendError.unsure) keeps its claim the
same way, so no retry and no later run sends it.
"""

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

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
