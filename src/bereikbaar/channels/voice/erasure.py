"""The phone's part of a GDPR export and erasure (catalogue L3): the call records and the
callback queue hold the caller's number (as E.164 and as the PBX spelled it), the name and
question from the contact page and the agent's notes; erasing the contact must reach them.

Registered as a contacts.privacy section, so it runs inside the erasure's transaction, before
the identities go (the rows are found by the contact, by the call log's conversation and by the
person's numbers in every spelling a PBX may send). The rows stay, blanked: the phone figures
(analytics/calls.py) count calls by direction, times, outcome and line, and callbacks by their
times and status; none of those is personal. An open callback request is cancelled: there is
nobody left to call. What stops the person being filed again is the contacts tombstone; a call
in progress already blocks the erasure (the conversations section's blocker). A blanked call is
marked (`Call.erased_at`), so a late event of it (a PBX's hangup, a Twilio status callback)
still moves its state but never fills its numbers or its call log back in (calls.py).

Intake keeps the raw copy of every phone event (the number as the PBX or Twilio sent it). Those
rows are keyed by the call (`call:<line>:<call id>`), not by the contact's conversation or
identity, so intake's own section does not find them: this one blanks the processed ones
(a row still waiting is left alone, as intake does: blanking it would lose the event).

A call's `facts` are the timestamps and extensions of its events (state.py), the agents' side
of the call: kept, so the record still derives; any other key is dropped in case a future
event type stores provider data there.
"""

from __future__ import annotations

import phonenumbers
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from bereikbaar.channels.voice.models import Call, CallbackRequest
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import Section, register_section
from bereikbaar.intake.models import Inbound

FACT_KEYS = frozenset({"new", "answer", "hangup", "answerers", "rung", "rejected", "dialled_as"})
ERASED = "gewist"
DONE = (Inbound.Status.PROCESSED, Inbound.Status.QUARANTINED)


def spellings(contact: Contact) -> list[str]:
    """The person's numbers as E.164 and as a PBX may send them (0612…, 0031612…, 31612…)."""
    out: list[str] = []
    for value in contact.identities.filter(kind__in=["phone", "whatsapp"]).values_list(
        "value", flat=True
    ):
        out += [value, "00" + value[1:], value[1:]]
        try:
            number = phonenumbers.parse(value)
        except phonenumbers.NumberParseException:
            continue
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        out.append("".join(ch for ch in national if ch.isdigit()))
    return list(dict.fromkeys(s for s in out if s))


def callbacks_of(contact: Contact, numbers: list[str]):
    return CallbackRequest.objects.filter(Q(contact=contact) | Q(number__in=numbers))


def calls_of(contact: Contact, numbers: list[str]):
    ids = callbacks_of(contact, numbers).values("pk")
    return Call.objects.filter(
        Q(contact=contact)
        | Q(message__conversation__contact=contact)
        | Q(number__in=numbers)
        | Q(caller__in=numbers, direction="in")
        | Q(callee__in=numbers, direction="out")
        | Q(callback__in=ids)
        | Q(callbacks__in=ids)
    )


def export_calls(contact: Contact) -> dict:
    numbers = spellings(contact)
    calls = calls_of(contact, numbers).distinct().order_by("created_at", "pk")
    callbacks = callbacks_of(contact, numbers).order_by("created_at", "pk")
    return {
        "calls": [
            {
                "direction": c.direction,
                "number": c.number or c.caller,
                "outcome": c.outcome,
                "started_at": _iso(c.started_at),
                "answered_at": _iso(c.answered_at),
                "ended_at": _iso(c.ended_at),
            }
            for c in calls
        ],
        "callback_requests": [
            {
                "number": r.number,
                "name": r.name,
                "question": r.question,
                "source": r.source,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in callbacks
        ],
    }


def erase_calls(contact: Contact) -> dict[str, int]:
    numbers = spellings(contact)
    callbacks = list(callbacks_of(contact, numbers).values_list("pk", flat=True))
    calls = sorted(set(calls_of(contact, numbers).values_list("pk", flat=True)))
    callbacks = sorted(
        set(callbacks)
        | set(CallbackRequest.objects.filter(call__in=calls).values_list("pk", flat=True))
    )
    now = timezone.now()
    keys: list[str] = []
    for call in Call.objects.filter(pk__in=calls).only("pk", "line_id", "call_id", "facts"):
        facts = {k: v for k, v in (call.facts or {}).items() if k in FACT_KEYS}
        Call.objects.filter(pk=call.pk).update(
            caller="", callee="", number="", notes="", facts=facts, erased_at=now
        )
        for call_id in (call.call_id, facts.get("dialled_as")):
            if call_id:
                keys.append(f"call:{call.line_id}:{call_id}")
    rows = CallbackRequest.objects.filter(pk__in=callbacks)
    rows.filter(status=CallbackRequest.Status.OPEN).update(
        status=CallbackRequest.Status.CANCELLED, completed_at=timezone.now()
    )
    rows.update(number="", name="", question="", outcome="")
    _admin_log(Call, calls)
    _admin_log(CallbackRequest, callbacks)
    raw = Inbound.objects.filter(order_key__in=keys, status__in=DONE).update(payload=b"", error="")
    return {"calls": len(calls), "callback_requests": len(callbacks), "raw_payloads": raw}


def _admin_log(model, ids: list[int]) -> None:
    """The admin's history names a call or request by its __str__, which shows the number."""
    if ids:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        ).update(object_repr=ERASED, change_message="")


def _iso(at) -> str | None:
    return at.isoformat() if at else None


def register() -> None:
    register_section("calls", Section(export_calls, erase_calls))
