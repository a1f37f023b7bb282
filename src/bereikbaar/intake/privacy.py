"""Intake keeps every payload as the provider sent it; those raw copies hold the same personal
data as the messages filed from them. When a contact is erased or retention deletes a
conversation, the copies are blanked too — the row itself stays, so its dedupe key still stops
a late redelivery from filing the message again.

Rows still waiting for the worker are left alone (blanking them would lose a message in
flight); a payload that carried several people's messages (a WhatsApp batch) is blanked as a
whole, which only loses the raw copy of messages that were filed already.
"""

from __future__ import annotations

from django.db.models import Q

from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import Section, register_section
from bereikbaar.conversations import retention
from bereikbaar.conversations.models import Conversation
from bereikbaar.intake.models import Inbound

DONE = (Inbound.Status.PROCESSED, Inbound.Status.QUARANTINED)


def _rows(conversation_ids: list[int], senders: list[str]):
    match = Q(conversation_id__in=conversation_ids)
    if senders:
        match |= Q(order_key__in=senders)
    return Inbound.objects.filter(match, status__in=DONE)


def _senders(contact: Contact) -> list[str]:
    return [f"{kind}:{value}" for kind, value in contact.identities.values_list("kind", "value")]


def _conversations(contact: Contact) -> list[int]:
    return list(Conversation.objects.filter(contact=contact).values_list("pk", flat=True))


def export_raw(contact: Contact) -> list[dict]:
    """When and on which channel something arrived; not the raw bytes, which may carry other
    people's messages in the same delivery."""
    rows = _rows(_conversations(contact), _senders(contact)).order_by("received_at", "pk")
    return [
        {"channel": r.channel, "received_at": r.received_at.isoformat(), "status": r.status}
        for r in rows.only("channel", "received_at", "status")
    ]


def erase_raw(contact: Contact) -> dict[str, int]:
    n = _rows(_conversations(contact), _senders(contact)).update(payload=b"", error="")
    return {"raw_payloads": n}


def _purge(sender, conversation_ids: list[int], **kwargs) -> None:
    _rows(conversation_ids, []).update(payload=b"", error="")


def register() -> None:
    register_section("raw_payloads", Section(export_raw, erase_raw))
    retention.purged.connect(_purge, dispatch_uid="intake-raw-payloads")
