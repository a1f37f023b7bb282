"""The callback queue: missed and abandoned calls, "press 1" and the contact page all end here.

One open request per number: a second missed call raises its priority instead of adding a row.
An answered call with the number (ours out, or theirs in) settles it; a failed attempt moves
it back in the queue, later each time (RETRY_AFTER, doubled per attempt), and after
MAX_ATTEMPTS it is given up, visibly, with the reasons.

"Called back on time" (analytics) is `placed_at <= first_due_at` (or `<= slot_end` when the
customer chose a slot): first_due_at is the first promise and never moves, placed_at is the
first dial, completed_at when it was settled (done, failed or void).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bereikbaar.channels.voice.models import Call, CallbackRequest
from bereikbaar.contacts.models import Identity
from bereikbaar.contacts.normalise import normalise_phone

MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=30)
URGENT = 3
SOURCES = {
    "missed": CallbackRequest.Source.MISSED,
    "abandoned": CallbackRequest.Source.ABANDONED,
}


def request_callback(
    number: str,
    name: str = "",
    slot: datetime | tuple[datetime, datetime] | None = None,
    *,
    source: str = CallbackRequest.Source.PAGE,
    call: Call | None = None,
    note: str = "",
    question: str = "",
) -> CallbackRequest:
    """Ask for a callback to `number` (any spelling; NL default), at `slot` or as soon as
    possible. Raises contacts.normalise.InvalidIdentity (a ValueError) for a garbage number."""
    number = normalise_phone(number)
    start, end = slot if isinstance(slot, tuple) else (slot, None)
    now = timezone.now()
    due = max(start, now) if start else now
    priority = 2 if source in (CallbackRequest.Source.IVR, CallbackRequest.Source.ABANDONED) else 1
    identity = Identity.objects.filter(kind="phone", value=number).select_related("contact").first()
    with transaction.atomic():
        existing = (
            CallbackRequest.objects.select_for_update()
            .filter(number=number, status=CallbackRequest.Status.OPEN)
            .first()
        )
        if existing:
            existing.priority = min(URGENT, max(existing.priority, priority) + 1)
            if start is None:
                existing.due_at = min(existing.due_at, due)
            existing.name = existing.name or name[:200]
            existing.outcome = _append(existing.outcome, note)
            existing.question = "\n".join(q for q in (existing.question, question) if q)[:2000]
            existing.save(update_fields=["priority", "due_at", "name", "outcome", "question"])
            return existing
        return CallbackRequest.objects.create(
            number=number,
            name=name[:200],
            contact=identity.contact if identity else None,
            call=call,
            source=source,
            priority=priority,
            due_at=due,
            first_due_at=due,
            slot_end=end,
            outcome=note[:200],
            question=question[:2000],
        )


def after_call(call: Call) -> None:
    """Called once when a call ends: missed calls ask for a callback, reached ones settle it."""
    if not call.number:
        return
    if call.outcome in (Call.Outcome.CALLBACK, Call.Outcome.VOICEMAIL):
        return  # the voice line filed the request when the caller asked (voice_line.py)
    if call.direction == "in" and call.outcome in SOURCES:
        request_callback(call.number, source=SOURCES[call.outcome], call=call)
        return
    open_ = CallbackRequest.objects.filter(status=CallbackRequest.Status.OPEN)
    # the attempt placed from the queue, else any open request for the number (a PBX that
    # dialled under its own call id, or the customer who called us first)
    request = (call.callback_id and open_.filter(pk=call.callback_id).first()) or open_.filter(
        number=call.number
    ).first()
    if request is None:
        return
    if call.outcome == Call.Outcome.ANSWERED:
        who = "klant belde zelf" if call.direction == "in" else "teruggebeld"
        settle(request, CallbackRequest.Status.DONE, f"{who} ({call.answered_ext or '?'})")
    elif call.direction == "out":
        why = call.get_outcome_display()
        attempt_failed(request, f"{why} ({call.cause})" if call.cause else why)


def retract(call: Call) -> None:
    """The call turned out answered after all: its own open request is void."""
    CallbackRequest.objects.filter(call=call, status=CallbackRequest.Status.OPEN).update(
        status=CallbackRequest.Status.CANCELLED,
        outcome="gesprek toch aangenomen",
        completed_at=timezone.now(),
    )


def queue():
    """Open requests, most urgent and longest due first."""
    return CallbackRequest.objects.filter(status=CallbackRequest.Status.OPEN).order_by(
        "-priority", "due_at", "id"
    )


def start_attempt(request: CallbackRequest, user) -> CallbackRequest:
    """An agent clicks "bel terug": theirs now; the call itself reports how it went."""
    now = timezone.now()
    request.assignee = user
    request.attempts += 1
    request.placed_at = request.placed_at or now
    request.last_attempt_at = now
    request.save(update_fields=["assignee", "attempts", "placed_at", "last_attempt_at"])
    return request


def attempt_failed(request: CallbackRequest, why: str) -> CallbackRequest:
    """No answer, busy, failed: due again later (back-off), or given up after MAX_ATTEMPTS."""
    request.outcome = _append(request.outcome, f"poging {request.attempts}: {why}")
    if request.attempts >= MAX_ATTEMPTS:
        request.status = CallbackRequest.Status.FAILED
        request.completed_at = timezone.now()
    else:
        request.due_at = timezone.now() + retry_after(request.attempts)
    request.save(update_fields=["outcome", "status", "due_at", "completed_at"])
    return request


def retry_after(attempts: int):
    """30 minutes after the first try, an hour after the second: people are out, not gone."""
    return RETRY_AFTER * 2 ** max(0, attempts - 1)


def settle(request: CallbackRequest, status: str, outcome: str) -> CallbackRequest:
    request.status = status
    request.outcome = _append(request.outcome, outcome)
    request.completed_at = timezone.now()
    request.save(update_fields=["status", "outcome", "completed_at"])
    return request


def _append(text: str, more: str) -> str:
    return (f"{text}; {more}" if text and more else text or more)[-200:]
