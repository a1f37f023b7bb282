"""The screen-pop: who is calling, their open cases on every channel, what they last wrote.

Fetched by the browser on a call event (events carry ids only). While the call rings every
agent who can take the line sees it; once answered it stays only with the answering agent,
who writes notes into the call log; a call ended unanswered disappears (it is a callback now).

A call on a line of another team is a 404, the same as a missing call; the audit log records the
refusal under the call's conversation (conversations/access_log.py), as the inbox does.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET, require_POST

from bereikbaar.channels.voice import callbacks
from bereikbaar.channels.voice.calls import line_groups, set_notes
from bereikbaar.channels.voice.models import Call
from bereikbaar.conversations import access_log
from bereikbaar.conversations.models import CHANNELS, Conversation, Message
from bereikbaar.routing.access import is_admin, realtime_groups, visible_conversations

CHANNEL_NAMES = dict(CHANNELS)


def may_take(user, call: Call) -> bool:
    return is_admin(user) or bool(set(realtime_groups(user)) & set(line_groups(call.line)))


def visible_call(request: HttpRequest, pk: int) -> Call:
    calls = Call.objects.select_related("line", "contact", "answered_by", "message")
    call = calls.filter(pk=pk).first() if 0 < pk <= access_log.MAX_ID else None
    if call is None:
        raise Http404
    if not may_take(request.user, call):
        conversation_id = call.message.conversation_id if call.message else None
        access_log.refused_object(request, "call", call.pk, conversation_id)
        raise Http404
    return call


def shows_for(user, call: Call) -> bool:
    if call.outcome == Call.Outcome.REJECTED:
        return False
    if call.direction == "out":  # the agent who dials, not the whole team
        return call.answered_by_id == user.pk or user.get_username() in call.facts.get("rung", [])
    if call.state == Call.State.RINGING:
        return True
    return call.answered_by_id == user.pk or (call.answered_by_id is None and is_admin(user))


@login_required
@require_GET
def pop(request: HttpRequest, pk: int) -> HttpResponse:
    call = visible_call(request, pk)
    if not shows_for(request.user, call):
        return HttpResponse(status=204)
    return render(request, "inbox/_screen_pop.html", context(request, call))


@login_required
@require_POST
def notes(request: HttpRequest, pk: int) -> HttpResponse:
    call = visible_call(request, pk)
    if call.answered_by_id != request.user.pk and not is_admin(request.user):
        return HttpResponse("alleen wie het gesprek aannam schrijft notities", status=403)
    set_notes(call, request.POST.get("notes", ""))
    return render(request, "inbox/_screen_pop.html", context(request, call, saved=True))


@login_required
@require_POST
def new_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the caller's number becomes a named contact."""
    call = visible_call(request, pk)
    name = request.POST.get("name", "").strip()[:200]
    if call.contact is not None and name:
        call.contact.name = name
        call.contact.save(update_fields=["name"])
    return render(request, "inbox/_screen_pop.html", context(request, call))


@login_required
@require_GET
def callback_queue(request: HttpRequest) -> HttpResponse:
    rows = callbacks.queue().select_related("contact", "assignee")[:200]
    return render(request, "inbox/_callbacks.html", {"callbacks": rows})


def context(request: HttpRequest, call: Call, saved: bool = False) -> dict:
    contact = call.contact
    conversations, latest, unanswered = [], [], None
    if contact is not None:
        conversations = list(
            visible_conversations(request.user)
            .filter(contact=contact, status__in=Conversation.ACTIVE)
            .order_by("-last_message_at", "-id")[:10]
        )
        inbound = Message.objects.filter(
            conversation__contact=contact, direction=Message.Direction.INBOUND
        ).exclude(channel="phone")
        latest = _latest_per_channel(inbound.order_by("-created_at", "-id")[:50])
        unanswered = _unanswered(conversations)
    return {
        "call": call,
        "contact": contact,
        "known": bool(contact and contact.name),
        "conversations": conversations,
        "latest_lines": [_latest_line(m) for m in latest or []],
        "unanswered": unanswered,
        "mine": call.answered_by_id == request.user.pk,
        "saved": saved,
    }


def _latest_per_channel(messages, most: int = 4) -> list[Message]:
    """What the caller wrote most recently on each channel, newest first: a customer who mailed
    and then WhatsApped shows both, so the agent knows the whole question before saying hello."""
    seen: dict[str, Message] = {}
    for message in messages:
        seen.setdefault(message.channel, message)
        if len(seen) == most:
            break
    return list(seen.values())


def _latest_line(message: Message | None) -> str:
    """ "WhatsApp 12 minuten geleden: …" """
    if message is None:
        return ""
    ago = timesince(message.created_at, timezone.now(), depth=1)
    text = " ".join((message.text or "").split())
    text = text if len(text) <= 160 else text[:157] + "…"
    return f"{CHANNEL_NAMES.get(message.channel, message.channel)} {ago} geleden: {text}"


def _unanswered(conversations: list[Conversation]) -> Message | None:
    """The newest customer question with no answer after it, in one of the open cases."""
    for conversation in conversations:
        said = conversation.messages.exclude(direction=Message.Direction.NOTE)
        last = said.exclude(channel="phone").last()  # call logs are not questions
        if last and last.direction == Message.Direction.INBOUND:
            return last
    return None
