"""apply(): one CTI event into its call record, the call log in the story, the screen-pop.

Runs in the intake worker's transaction (events of one call share an order key, so one worker
handles them one at a time). The call log is a phone Message filed through intake.ingest, so a
call lands in the contact's open case on any channel, like every other contact moment.

An erased call (`Call.erased_at`, set by erasure.py) keeps taking its events, so its state,
times and the agent's presence still end right, but it learns no number from them and its
call log, blanked with the person, is neither rewritten nor filed again: a late hangup or a
Twilio status callback does not bring the erased caller back. A *new* call from that number is
a new record, and files a new contact, as any first contact does.
"""

from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bereikbaar.channels.voice import state
from bereikbaar.channels.voice.cti import CtiEvent
from bereikbaar.channels.voice.models import Call, Line
from bereikbaar.channels.voice.occupancy import after_change
from bereikbaar.conversations.models import Message
from bereikbaar.intake.ingest import ingest
from bereikbaar.intake.message import InboundMessage
from bereikbaar.realtime import events
from bereikbaar.realtime.publish import publish
from bereikbaar.routing.access import groups_for, team_group
from bereikbaar.routing.assign import default_team

CHANNEL = "phone"
#: The id we give a call an agent dials with one click (see dial.py).
DIAL_PREFIX = "bb-"
#: How long after the click a PBX's own report of that call is taken to be the same call.
ADOPT_WITHIN = timedelta(minutes=2)


def apply(line: Line, event: CtiEvent, rejected: bool = False) -> Call:
    with transaction.atomic():
        _adopt_our_dial(line, event)
        call, created = Call.objects.select_for_update().get_or_create(
            line=line,
            call_id=event.call_id,
            defaults={
                "direction": event.direction,
                "caller": event.caller,
                "callee": event.callee,
                "number": event.number,
                "facts": state.empty(),
            },
        )
        before = (call.state, call.answered_ext, call.outcome)
        _learn_parties(call, event)
        changed = _add_fact(call.facts, event) or created or (rejected and not _rejected(call))
        if rejected:
            call.facts["rejected"] = True
        call.events += 1
        if changed:
            _derive(call)
        call.save()
        if _rejected(call) or not changed:
            return call
        _file(call)
        after = (call.state, call.answered_ext, call.outcome)
        if created and call.direction == "in" and call.state == Call.State.RINGING:
            publish(events.CALL_RINGING, {"call_id": call.pk}, line_groups(line))
        elif after != before or created:
            payload = {"call_id": call.pk, "state": call.state}
            publish(events.CALL_UPDATED, payload, line_groups(line))
        _follow_up(call, before[0], before[2])
        after_change(call, before[0])
    return call


def _adopt_our_dial(line: Line, event: CtiEvent) -> None:
    """A PBX that neither answers our dial request with its call id nor uses ours reports the
    call under an id of its own. The call the agent clicked, recorded at the click (one event,
    same number, moments ago), is that call: it takes the PBX's id instead of a second record
    staying "ringing" for ever."""
    if event.direction != "out" or not event.number:
        return
    if Call.objects.filter(line=line, call_id=event.call_id).exists():
        return
    ours = (
        Call.objects.select_for_update()
        .filter(
            line=line,
            direction="out",
            number=event.number,
            call_id__startswith=DIAL_PREFIX,
            events=1,
            created_at__gte=timezone.now() - ADOPT_WITHIN,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if ours is not None:
        ours.facts["dialled_as"] = ours.call_id
        ours.call_id = event.call_id
        ours.save(update_fields=["call_id", "facts"])


def _follow_up(call: Call, state_before: str, outcome_before: str) -> None:
    """Missed calls ask for a callback; a late event that turns "missed" into "answered" (a
    ring-group leg's hangup came before the answer) takes that request back."""
    from bereikbaar.channels.voice.callbacks import after_call, retract

    ended = call.state == Call.State.ENDED
    was_ended = state_before == Call.State.ENDED
    if was_ended and (not ended or call.outcome != outcome_before):
        retract(call)
    if ended and (not was_ended or call.outcome != outcome_before):
        after_call(call)


def line_groups(line: Line) -> list[str]:
    """Whoever can take this line: its team (or the default team) and the admins."""
    team_id = line.team_id
    if team_id is None:
        team = default_team()
        team_id = team.pk if team else None
    return ["admins", team_group(team_id)] if team_id else ["admins"]


def set_notes(call: Call, notes: str) -> Call:
    with transaction.atomic():
        call.notes = notes[:10000]
        call.save(update_fields=["notes", "updated_at"])
        sync_log(call)
    return call


def sync_log(call: Call) -> None:
    """Rewrite the call's log message from the record, and tell the open timelines."""
    if call.message_id is None or call.erased_at:
        return
    direction = Message.Direction.OUTBOUND if call.direction == "out" else Message.Direction.INBOUND
    Message.objects.filter(pk=call.message_id).update(
        text=log_text(call), extra={"call": summary(call)}, direction=direction
    )
    message = Message.objects.select_related("conversation").get(pk=call.message_id)
    publish(
        events.MESSAGE_UPDATED,
        {
            "conversation_id": message.conversation_id,
            "message_id": message.pk,
            "delivery_status": message.delivery_status,
        },
        groups_for(message.conversation),
    )


def _file(call: Call) -> None:
    if call.erased_at:
        return  # its log was erased with the person: nothing to rewrite, nobody to file
    if call.message_id is None and call.number:
        message = ingest(
            InboundMessage(
                channel=CHANNEL,
                provider_id=call.provider_id,
                identities=[("phone", call.number)],
                text=log_text(call),
                extra={"call": summary(call)},
            )
        )
        call.message = message
        call.contact_id = message.conversation.contact_id
        call.save(update_fields=["message", "contact"])
        if call.direction == "out":
            sync_log(call)
        return
    sync_log(call)


def _learn_parties(call: Call, event: CtiEvent) -> None:
    """A call first seen through a hangup learns its numbers from the later newCall; an
    erased call learns only its direction (it derives the state), never a number again."""
    if event.event == "newCall":
        call.direction = event.direction
    if call.erased_at:
        return
    if event.event == "newCall" or not call.caller:
        call.caller = call.caller or event.caller
        call.callee = call.callee or event.callee
        call.number = call.number or event.number


def _add_fact(facts: dict, event: CtiEvent) -> bool:
    if event.event == "newCall":
        return state.add(facts, "new", [event.at, event.ext])
    if event.event == "answer":
        return state.add(facts, "answer", [event.at, event.ext])
    cause = event.cause.replace("_", "").replace("-", "")
    return state.add(facts, "hangup", [event.at, event.ext, cause])


def _rejected(call: Call) -> bool:
    return bool(call.facts.get("rejected"))


def _derive(call: Call) -> None:
    d = state.derive(call.facts, call.direction, _rejected(call))
    call.state, call.outcome, call.cause = d.state, d.outcome, d.cause
    call.started_at = _dt(d.started_at)
    call.answered_at = _dt(d.answered_at)
    call.ended_at = _dt(d.ended_at)
    if d.answered_ext != call.answered_ext or (d.answered_ext and call.answered_by_id is None):
        call.answered_ext = d.answered_ext
        call.answered_by = agent_for(call.line, d.answered_ext)
    call.facts["answerers"] = d.answerers
    call.facts["rung"] = d.rung


def agent_for(line: Line, ext: str):
    if not ext:
        return None
    User = get_user_model()
    username = (line.extensions or {}).get(ext, ext)
    return User.objects.filter(username=username, is_active=True).first()


def _dt(at: float | None) -> datetime | None:
    return datetime.fromtimestamp(at, tz=UTC) if at is not None else None


def seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, round((end - start).total_seconds()))


def ringing_seconds(call: Call) -> int | None:
    return seconds(call.started_at, call.answered_at or call.ended_at)


def talk_seconds(call: Call) -> int | None:
    return seconds(call.answered_at, call.ended_at)


def summary(call: Call) -> dict:
    return {
        "call_id": call.pk,
        "direction": call.direction,
        "from": call.caller,
        "to": call.callee,
        "number": call.number,
        "state": call.state,
        "outcome": call.outcome,
        "cause": call.cause,
        "ringing_seconds": ringing_seconds(call),
        "talk_seconds": talk_seconds(call),
        "answered_by": call.answered_by.get_username() if call.answered_by else call.answered_ext,
        "transfers": call.facts.get("answerers", [])[:-1],
        "notes": call.notes,
    }


def clock(total: int | None) -> str:
    if total is None:
        return "–"
    return f"{total // 60}:{total % 60:02d}"


def log_text(call: Call) -> str:
    s = summary(call)
    kind = "Uitgaand gesprek naar" if call.direction == "out" else "Inkomend gesprek van"
    who = call.number or call.caller or "anoniem"
    lines = [f"{kind} {who} — {call.get_state_display()}"]
    if call.outcome:
        lines[0] += f", {call.get_outcome_display()}"
    lines.append(f"Overgaan: {clock(s['ringing_seconds'])} · gesprek: {clock(s['talk_seconds'])}")
    if s["answered_by"]:
        lines.append(f"Aangenomen door: {s['answered_by']}")
    if s["transfers"]:
        lines.append("Doorverbonden via: " + ", ".join(s["transfers"]))
    if call.notes:
        lines.append(f"Notities: {call.notes}")
    return "\n".join(lines)
