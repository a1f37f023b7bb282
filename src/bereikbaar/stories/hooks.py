"""What this floor plugs into contacts: conversations move with a merge, and the conversation
part of a GDPR export and erasure (contacts never imports conversations)."""

from __future__ import annotations

from bereikbaar.contacts.merge import Mover, register_mover
from bereikbaar.contacts.models import Contact
from bereikbaar.contacts.privacy import Section, register_section
from bereikbaar.conversations.models import Attachment, Conversation, Message

ACTIVE_CALL_STATES = frozenset({"ringing", "answered"})


def _move(src: Contact, dst: Contact) -> list[int]:
    ids = list(Conversation.objects.filter(contact=src).values_list("pk", flat=True))
    Conversation.objects.filter(pk__in=ids).update(contact=dst)
    return ids


def _move_back(ids: list[int], dst: Contact) -> None:
    """Undo first the case links that join these conversations with ones staying behind (made
    after the merge), so every message goes home with its conversation."""
    from django.db.models import Q

    from bereikbaar.stories.caselink import unlink
    from bereikbaar.stories.models import CaseLink

    crossing = CaseLink.objects.filter(
        Q(case_id__in=ids) ^ Q(joined_id__in=ids), undone_at__isnull=True
    ).order_by("-pk")
    for record in crossing:
        unlink(record)
    Conversation.objects.filter(pk__in=ids).update(contact=dst)


def export_conversations(contact: Contact) -> list[dict]:
    """The contact's conversations with their messages. Agents appear only as "medewerker" and
    internal notes are left out: they are the organisation's words, possibly about others."""
    out = []
    conversations = Conversation.objects.filter(contact=contact).order_by("created_at", "pk")
    for conv in conversations.prefetch_related("messages__attachments"):
        messages = []
        for m in conv.messages.all():
            if m.direction == Message.Direction.NOTE:
                continue
            messages.append(
                {
                    "direction": m.direction,
                    "channel": m.channel,
                    "from": "klant" if m.direction == Message.Direction.INBOUND else "medewerker",
                    "text": m.text,
                    "created_at": m.created_at.isoformat(),
                    "attachments": [
                        {"filename": a.filename, "content_type": a.content_type, "size": a.size}
                        for a in m.attachments.all()
                    ],
                }
            )
        out.append(
            {
                "id": conv.pk,
                "subject": conv.subject,
                "status": conv.status,
                "created_at": conv.created_at.isoformat(),
                "messages": messages,
            }
        )
    return out


def erase_conversations(contact: Contact) -> dict[str, int]:
    """Message texts, HTML, provider extras and attachments go; the rows stay (anonymous) so a
    redelivered message finds its provider id and is not filed again."""
    messages = Message.objects.filter(conversation__contact=contact)
    attachments = Attachment.objects.filter(message__conversation__contact=contact)
    n_files = 0
    for a in attachments:
        if a.file:
            a.file.delete(save=False)
        n_files += 1
    attachments.delete()
    n_messages = messages.update(text="", html="", extra={}, delivery_error="")
    n_conv = Conversation.objects.filter(contact=contact).update(subject="", tags=[])
    return {"conversations": n_conv, "messages": n_messages, "attachments": n_files}


def active_call(contact: Contact) -> str | None:
    """A phone call in progress (voice files its calls as messages with extra["call"])."""
    calls = Message.objects.filter(
        conversation__contact=contact,
        conversation__status__in=Conversation.ACTIVE,
        channel="phone",
    ).values_list("extra", flat=True)
    for extra in calls:
        call = (extra or {}).get("call") or {}
        if call.get("state") in ACTIVE_CALL_STATES:
            return "er loopt een telefoongesprek met dit contact; wis na afloop"
    return None


def register() -> None:
    register_mover("conversations", Mover(_move, _move_back))
    register_section(
        "conversations", Section(export_conversations, erase_conversations, active_call)
    )
