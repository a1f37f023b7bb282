"""What the intake worker runs for a stored widget payload: a visitor's message (with its
identity rules applied in the same transaction) or a delivered/read receipt. Idempotent."""

from __future__ import annotations

import base64
import binascii
import json

from bereikbaar.channels.webchat.groups import message_pk
from bereikbaar.contacts.merge import merge
from bereikbaar.contacts.models import Contact, Identity, Preference
from bereikbaar.contacts.normalise import InvalidIdentity, normalise
from bereikbaar.contacts.resolve import resolve
from bereikbaar.conversations.models import Message
from bereikbaar.intake.message import DeliveryUpdate, InboundAttachment, InboundMessage
from bereikbaar.intake.registry import UnparseablePayload

CHANNEL = "webchat"
RECEIPTS = ("delivered", "read")
ANSWER_LABELS = {"email": "e-mail", "phone": "telefoon (terugbellen)", "whatsapp": "WhatsApp"}
ANSWER_KINDS = {"email": "email", "phone": "phone", "whatsapp": "whatsapp"}


def handle(raw: bytes) -> list[InboundMessage | DeliveryUpdate]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UnparseablePayload("the widget payload is not UTF-8 JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("visitor"), str):
        raise UnparseablePayload("the widget payload names no visitor")
    if data.get("kind") == "status":
        return _receipt(data)
    if data.get("kind") == "message":
        return [_message(data)]
    raise UnparseablePayload(f"unknown widget payload kind {data.get('kind')!r}")


def _receipt(data: dict) -> list[DeliveryUpdate]:
    """Only the visitor the reply went to can mark it delivered or read."""
    pk = message_pk(data.get("id", ""))
    if pk is None or data.get("status") not in RECEIPTS:
        return []
    owned = Message.objects.filter(
        pk=pk,
        channel=CHANNEL,
        direction=Message.Direction.OUTBOUND,
        conversation__contact__identities__kind="webchat",
        conversation__contact__identities__value=data["visitor"],
    ).exists()
    if not owned:
        return []
    return [DeliveryUpdate(channel=CHANNEL, provider_id=data["id"], status=data["status"])]


def _message(data: dict) -> InboundMessage:
    visitor = data["visitor"]
    verified = data.get("verified") or {}
    identities = _verified_identities(visitor, verified)
    contact = resolve(identities, name=verified.get("name", ""), language=data.get("language", ""))
    for kind, value in identities[:-1]:  # the host site vouched for these
        Identity.objects.filter(contact=contact, kind=kind, value=value).update(verified=True)
    notes = _apply_typed(contact, data)
    text = data.get("text", "")
    if notes:
        text = (text + "\n\n" + "\n".join(notes)).strip()
    attachments = []
    if isinstance(data.get("attachment"), dict):
        attachments.append(_attachment(data["attachment"]))
        text = text or f"[bijlage: {attachments[0].filename}]"
    return InboundMessage(
        channel=CHANNEL,
        provider_id=f"{visitor}:{data.get('client_id', '')}",
        identities=identities,
        text=text,
        sender_name=verified.get("name", "") or data.get("typed", {}).get("name", ""),
        language=data.get("language", ""),
        attachments=attachments,
        extra={
            k: data[k] for k in ("typed", "answer_via", "answer_to", "client_id") if data.get(k)
        },
    )


def _verified_identities(visitor: str, verified: dict) -> list[tuple[str, str]]:
    """Verified identities first; when they belong to a known contact and this visitor was
    someone else so far, the visitor is merged into that known contact (and only then)."""
    wanted = []
    for kind in ("email", "phone"):
        try:
            if verified.get(kind):
                wanted.append((kind, normalise(kind, verified[kind])))
        except InvalidIdentity:
            continue
    chat = ("webchat", visitor)
    if wanted:
        known = Identity.objects.filter(kind__in=[k for k, _ in wanted]).filter(
            value__in=[v for _, v in wanted]
        )
        owner = next((i.contact for i in known.select_related("contact")), None)
        mine = Identity.objects.filter(kind="webchat", value=visitor).first()
        if owner is not None and mine is not None and mine.contact_id != owner.pk:
            merge(owner, mine.contact_id)
    return [*wanted, chat]


def _apply_typed(contact: Contact, data: dict) -> list[str]:
    """Typed details and an answer-channel choice: stored for the agent, never a merge key."""
    notes = []
    typed = data.get("typed") or {}
    if typed.get("name") and not contact.name:
        contact.name = typed["name"][:200]
        contact.save(update_fields=["name"])
    for kind in ("email", "phone"):
        if typed.get(kind):
            _add_if_free(contact, kind, typed[kind])
    if typed:
        shown = ", ".join(typed[k] for k in ("name", "email", "phone") if typed.get(k))
        notes.append(f"— Opgegeven in de chat (niet geverifieerd): {shown}")
    via = data.get("answer_via", "")
    if via in ANSWER_KINDS:
        to = data.get("answer_to", "")
        if to:
            _add_if_free(contact, ANSWER_KINDS[via], to)
        preference, _ = Preference.objects.get_or_create(contact=contact)
        preference.preferred = [via, *[c for c in preference.preferred if c != via]]
        preference.save(update_fields=["preferred", "updated_at"])
        notes.append(f"— Antwoord graag via {ANSWER_LABELS[via]}: {to or '(niet opgegeven)'}")
    return notes


def _add_if_free(contact: Contact, kind: str, value: str) -> None:
    """An identity nobody owns yet joins this contact unverified; someone else's stays theirs
    (the agent gets a merge suggestion from the message text instead)."""
    try:
        value = normalise(kind, value)
    except InvalidIdentity:
        return
    if not Identity.objects.filter(kind=kind, value=value).exists():
        Identity.objects.create(contact=contact, kind=kind, value=value, verified=False)


def _attachment(item: dict) -> InboundAttachment:
    try:
        content = base64.b64decode(item.get("data", ""), validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise UnparseablePayload("the attachment is not valid base64") from None
    return InboundAttachment(
        filename=str(item.get("filename", "bijlage"))[:200],
        content_type=str(item.get("content_type", "application/octet-stream"))[:100],
        content=content,
    )
