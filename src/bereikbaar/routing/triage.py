"""What happens to a conversation when a customer message arrives: routing decisions live here,
so intake only says "this came in" and routing decides who, how urgent and by when.

For every inbound message: the signals (emotion, urgency, language) are computed from its text
plus what the platform knows (a repeat contact within 48 hours, a second channel while the case
is open, minutes already waited) and stored with their reasons; an angry, nervous or urgent
customer raises the case's priority, and the reason is kept; a new case gets its team from the
first matching rule; the SLA deadlines are set; then the case is assigned or queued.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.routing import config, sla
from bereikbaar.routing.assign import route
from bereikbaar.routing.labels import explain
from bereikbaar.routing.models import CaseRouting, MessageSignals, RoutingRule
from bereikbaar.sqlrows import first, insert, update, values
from bereikbaar.text.evidence import gather
from bereikbaar.text.signals import Behaviour, Signals, analyse

REPEAT_WINDOW = timedelta(hours=48)
SESSION_GAP = timedelta(minutes=30)  # messages closer together are one contact moment
P = Conversation.Priority


def on_inbound(conversation: Conversation, message: Message, created: bool) -> list[str]:
    """Called by intake.ingest inside the transaction that filed `message`. Returns the fields
    of `conversation` it changed and left for the caller's save (one UPDATE, not three)."""
    at = message.created_at or timezone.now()
    settings = config.current()
    if created:  # inserted at the end, once, with everything decided below
        case = CaseRouting(conversation=conversation, first_inbound_at=at)
    else:
        case = first(CaseRouting, _CASE, [conversation.pk])
    if case is None:
        case = CaseRouting(conversation=conversation, first_inbound_at=at)
    conversation.routing = case
    changed: list[str] = []
    signals = store_signals(conversation, message, created, at)
    fields = ["language", "emotion", "urgent"]
    case.language = _language(conversation, message, signals)
    case.emotion = signals.emotion
    case.urgent = signals.urgent
    if case.first_inbound_at is None:
        case.first_inbound_at = at
        fields.append("first_inbound_at")
    raised = raise_priority(conversation, case, signals, message, save=False)
    if raised:
        fields += raised
        changed.append("priority")
    if conversation.team_id is None and (
        rule := match_rule(conversation, message, case, settings.rules)
    ):
        conversation.team = rule.team
        changed.append("team")
        case.rule, case.skill = rule, rule.skill
        fields += ["rule", "skill"]
    if _answered_call(message):
        fields += human_answered(case, at)
    fields += sla.plan(case, conversation, message.channel, at, settings)
    new_case = case.pk is None
    if not new_case:
        update(case, sorted(set(fields)))
    if created and conversation.assignee_id is None:
        # A case already waiting is offered by the queue (resolve, hand-back, presence, the
        # sweep), not again on every message its customer sends: that re-counted every
        # agent's load per message and cost more than the rest of the intake together.
        if conversation.team_id is None and settings.default_team is not None:
            conversation.team = settings.default_team
            changed.append("team")
        route(conversation, channel=message.channel)  # a queued case: wait() fills it in
    if new_case:
        insert(case)
    return changed


def on_reply(conversation: Conversation, message: Message) -> None:
    """A human answered (an outbound message with an author): time-to-human, SLA met."""
    case = CaseRouting.objects.filter(conversation=conversation).first()
    if case is None:
        return
    fields = human_answered(case, message.created_at or timezone.now())
    if fields:
        case.save(update_fields=fields)


def on_call_answered(conversation: Conversation, at: datetime) -> None:
    """A person picked up the customer's call: the same as a first human answer."""
    case, _new = CaseRouting.objects.get_or_create(
        conversation=conversation, defaults={"first_inbound_at": at}
    )
    fields = human_answered(case, at)
    if fields:
        case.save(update_fields=fields)


def human_answered(case: CaseRouting, at: datetime) -> list[str]:
    fields = sla.answered(case, at)
    if case.human_at is None:
        case.human_at = at
        fields.append("human_at")
    return fields


def _answered_call(message: Message) -> bool:
    call = (message.extra or {}).get("call") if isinstance(message.extra, dict) else None
    return (
        isinstance(call, dict)
        and call.get("outcome") == "answered"
        and bool(call.get("answered_by"))
    )


def _language(conversation: Conversation, message: Message, signals: Signals) -> str:
    if message.channel == "phone":  # a call log says nothing about the caller's language
        return conversation.contact.language or signals.language
    return signals.language


# --- signals ---------------------------------------------------------------------------------


# Raw SQL for the three reads made for every message: building them through the ORM cost
# several times what the database took to answer (bench/ingest.py, cProfile).
_CASE = "SELECT * FROM routing_caserouting WHERE conversation_id = %s"
_EARLIER = (
    "SELECT m.id, m.created_at, m.conversation_id, m.channel FROM conversations_message m"
    " JOIN conversations_conversation c ON c.id = m.conversation_id"
    " WHERE c.contact_id = %s AND m.direction = %s AND m.created_at >= %s AND m.id <> %s"
    " ORDER BY m.created_at DESC LIMIT 200"
)
_ANSWERED = (
    "SELECT id, created_at FROM conversations_message"
    " WHERE conversation_id = %s AND direction = %s AND author_id IS NOT NULL"
    " ORDER BY created_at DESC LIMIT 1"
)


def behaviour(conversation: Conversation, message: Message, created: bool, at: datetime):
    """What the text cannot show: repeat contacts, a second channel, minutes waited."""
    since = connection.ops.adapt_datetimefield_value(at - REPEAT_WINDOW)
    params = [conversation.contact_id, str(Message.Direction.INBOUND), since, message.pk]
    rows = values(Message, _EARLIER, params)
    earlier = [(when, conv, channel) for _id, when, conv, channel in rows]
    earlier.reverse()
    sessions, previous = 0, None
    for when, _conv, _channel in earlier:
        if previous is None or when - previous > SESSION_GAP:
            sessions += 1
        previous = when
    if previous is not None and at - previous <= SESSION_GAP:
        sessions -= 1  # this message continues the latest contact moment
    own = [(w, ch) for w, conv, ch in earlier if conv == conversation.pk]
    second = not created and conversation.is_active and any(ch != message.channel for _w, ch in own)
    waited = 0.0
    if not created and own:
        last = values(Message, _ANSWERED, [conversation.pk, str(Message.Direction.OUTBOUND)])
        answered = last[0][1] if last else None
        unanswered = [w for w, _ch in own if answered is None or w > answered]
        if unanswered:
            waited = (at - unanswered[0]).total_seconds() / 60
    call = message.extra.get("call") if isinstance(message.extra, dict) else None
    if isinstance(call, dict) and isinstance(call.get("ringing_seconds"), int | float):
        waited = max(waited, call["ringing_seconds"] / 60)
    extra = message.extra if isinstance(message.extra, dict) else {}
    return Behaviour(
        repeat_contacts_48h=max(0, sessions),
        second_channel_while_open=second,
        minutes_waited=round(waited, 1),
        # A channel that knows of a promise not kept (an overdue callback) says so in extra.
        broken_promise=extra.get("broken_promise") is True,
    )


def prepare(text: str) -> None:
    """Read a text before its message is filed (the worker calls this before taking SQLite's
    write turn): store_signals then finds its evidence gathered."""
    gather(text)


def store_signals(
    conversation: Conversation, message: Message, created: bool, at: datetime
) -> Signals:
    seen = behaviour(conversation, message, created, at)
    signals = analyse(message.text, seen)
    row = MessageSignals(
        message=message,
        language=signals.language,
        emotion=signals.emotion,
        scores=signals.scores,
        urgent=signals.urgent,
        urgency=signals.urgency,
        reasons=[r.as_dict() for r in signals.reasons],
        behaviour={
            "repeat_contacts_48h": seen.repeat_contacts_48h,
            "second_channel_while_open": seen.second_channel_while_open,
            "minutes_waited": seen.minutes_waited,
            "broken_promise": seen.broken_promise,
        },
    )
    insert(row)
    return signals


def wanted_priority(signals: Signals) -> tuple[int, list[str]]:
    reasons = [r.as_dict() for r in signals.reasons]
    level, why = P.NORMAL, []
    if signals.emotion in ("angry", "nervous"):
        level = P.HIGH
        why.append(explain(signals.emotion, reasons))
    if signals.urgent:
        level = P.URGENT
        why.append(explain("urgent", reasons))
    return level, why


def raise_priority(
    conversation: Conversation,
    case: CaseRouting,
    signals: Signals,
    message: Message,
    save: bool = True,
) -> list[str]:
    """Raise (never lower) the case's priority from the signals, keeping the reason; returns
    the case's changed fields (the conversation's priority is saved unless `save` is False)."""
    level, why = wanted_priority(signals)
    if level <= conversation.priority:
        return []
    conversation.priority = level
    if save:
        conversation.save(update_fields=["priority"])
    case.priority_reasons = [
        *case.priority_reasons,
        {"priority": int(level), "reason": "; ".join(why), "message_id": message.pk},
    ][-10:]
    return ["priority_reasons"]


# --- team rules ------------------------------------------------------------------------------


def _segments(conversation: Conversation) -> set[str]:
    contact = conversation.contact
    found = {str(t).lower() for t in (getattr(contact, "tags", None) or [])}
    if segment := getattr(contact, "segment", ""):
        found.add(str(segment).lower())
    return found


def match_rule(
    conversation: Conversation,
    message: Message,
    case: CaseRouting,
    rules: Iterable[RoutingRule] | None = None,
) -> RoutingRule | None:
    """The first active rule whose every filled-in condition holds."""
    rules = config.current().rules if rules is None else rules
    if not rules:
        return None
    words = {w.strip(".,!?;:()\"'").lower() for w in (message.text or "")[:20000].split()}
    words |= {w.lower() for w in (conversation.subject or "").split()}
    for rule in rules:
        if rule.channels and message.channel not in rule.channels:
            continue
        if rule.languages and case.language not in rule.languages:
            continue
        if rule.keywords and not any(
            w.startswith(str(k).lower()) for k in rule.keywords for w in words if k
        ):
            continue
        if rule.segments and not (
            {str(s).lower() for s in rule.segments} & _segments(conversation)
        ):
            continue
        return rule
    return None


def backfill(limit: int = 20000) -> int:
    """Signals for inbound messages filed without them (bulk imports, the demo): text only,
    stored with reasons; active cases get their emotion and any priority raise with its reason.
    Returns how many messages were analysed."""
    pending = (
        Message.objects.filter(direction=Message.Direction.INBOUND, signals__isnull=True)
        .select_related("conversation")
        .order_by("conversation_id", "created_at", "id")[:limit]
    )
    done = 0
    for message in pending.iterator(chunk_size=500):
        conversation = message.conversation
        signals = analyse(message.text)
        MessageSignals.objects.create(
            message=message,
            language=signals.language,
            emotion=signals.emotion,
            scores=signals.scores,
            urgent=signals.urgent,
            urgency=signals.urgency,
            reasons=[r.as_dict() for r in signals.reasons],
        )
        done += 1
        if not conversation.is_active:
            continue
        case, _new = CaseRouting.objects.get_or_create(
            conversation=conversation, defaults={"first_inbound_at": message.created_at}
        )
        case.language, case.emotion, case.urgent = (
            signals.language,
            signals.emotion,
            signals.urgent,
        )
        fields = [
            "language",
            "emotion",
            "urgent",
            *raise_priority(conversation, case, signals, message),
        ]
        case.save(update_fields=fields)
    return done
