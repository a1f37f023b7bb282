"""Writing the planned demo history in bulk: contacts with their identities, conversations and
messages, keeping the timestamps the plan chose (the caller wraps this in own_timestamps, as
auto_now_add would stamp them all "now")."""

from datetime import timedelta
from typing import TYPE_CHECKING

from bereikbaar.contacts.models import Contact, Identity
from bereikbaar.contacts.normalise import normalise
from bereikbaar.conversations.models import Conversation, Message

if TYPE_CHECKING:
    from bereikbaar.demo.builder import Builder, PlannedConversation

HISTORY_DAYS = 56

DELIVERED = {
    "email": Message.Delivery.DELIVERED,
    "whatsapp": Message.Delivery.READ,
    "sms": Message.Delivery.DELIVERED,
    "webchat": Message.Delivery.READ,
    "api": Message.Delivery.DELIVERED,
}


# --- the builder -------------------------------------------------------------------------------


def write_contacts(self: "Builder") -> None:
    rng = self.rng
    people = self.people
    for p in people:
        first_seen = p.first_seen or self.now - timedelta(days=rng.randint(1, HISTORY_DAYS))
        p.first_seen = first_seen - timedelta(days=rng.randint(0, 30), minutes=rng.randint(0, 600))
    objs = [Contact(name=p.name, language=p.language, created_at=p.first_seen) for p in people]
    for start in range(0, len(objs), 100):
        Contact.objects.bulk_create(objs[start : start + 100])
        self.progress("contacten", min(start + 100, len(objs)), len(objs))
    identities = []
    for p, contact in zip(people, objs, strict=True):
        p.pk = contact.pk
        at = p.first_seen
        if p.email:
            identities.append(
                Identity(
                    contact=contact,
                    kind="email",
                    value=p.email,
                    verified=rng.random() < 0.6,
                    created_at=at,
                )
            )
        if p.phone:
            identities.append(
                Identity(
                    contact=contact,
                    kind="phone",
                    value=p.phone,
                    verified=rng.random() < 0.4,
                    created_at=at,
                )
            )
        if p.whatsapp:
            identities.append(
                Identity(
                    contact=contact,
                    kind="whatsapp",
                    value=p.phone,
                    verified=True,
                    created_at=at,
                )
            )
        if p.webchat:
            identities.append(
                Identity(contact=contact, kind="webchat", value=p.webchat, created_at=at)
            )
    for identity in identities:  # the same normalising Identity.save() applies
        identity.value = normalise(identity.kind, identity.value)
    Identity.objects.bulk_create(identities, batch_size=500)
    print(f"  identiteiten {len(identities)}", file=self.out)


def write_conversations(self: "Builder", plans: list["PlannedConversation"]) -> None:
    plans = sorted(plans, key=lambda plan: plan.created)  # ids follow time
    convs = []
    for plan in plans:
        spoken = [m for m in plan.messages if m.direction != "note"]
        inbound = [m for m in plan.messages if m.direction == "inbound"]
        convs.append(
            Conversation(
                contact_id=self.people[plan.person].pk,
                subject=plan.subject[:300],
                status=plan.status,
                priority=plan.priority,
                team=self.teams[plan.team],
                assignee_id=self.users.get(plan.assignee),
                tags=plan.tags,
                created_at=plan.created,
                last_message_at=(spoken or plan.messages)[-1].at,
                last_inbound_channel=inbound[-1].channel,
                first_response_at=plan.first_response_at,
                resolved_at=plan.resolved_at,
            )
        )
    total = len(convs)
    for start in range(0, total, 200):
        Conversation.objects.bulk_create(convs[start : start + 200])
        self.progress("gesprekken", min(start + 200, total), total)
    messages = []
    counter = 0
    for plan, conv in zip(plans, convs, strict=True):
        for m in plan.messages:
            counter += 1
            if m.direction == "inbound":
                delivery, provider_id = Message.Delivery.RECEIVED, f"demo-in-{counter}"
            elif m.direction == "outbound":
                recent = self.now - m.at < timedelta(minutes=10)
                delivery = Message.Delivery.SENT if recent else DELIVERED[m.channel]
                provider_id = f"demo-out-{counter}"
            else:
                delivery, provider_id = Message.Delivery.NONE, None
            messages.append(
                Message(
                    conversation_id=conv.pk,
                    direction=m.direction,
                    channel=m.channel,
                    provider_id=provider_id,
                    text=m.text,
                    delivery_status=delivery,
                    author_id=self.users.get(m.author) if m.author else None,
                    created_at=m.at,
                )
            )
    total = len(messages)
    for start in range(0, total, 500):
        Message.objects.bulk_create(messages[start : start + 500])
        self.progress("berichten", min(start + 500, total), total)
