"""Writing views: thin wrappers that call the domain functions and report refusals.

All writes go through delivery.reply and routing.casework, which store, enqueue and publish
realtime events after commit; these views only check visibility and translate form fields.
On success they redirect (POST/redirect/GET); on a refusal they re-render the page with the
agent's text kept and the reason shown, answering 422.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bereikbaar.delivery.reply import ReplyRefused, note, reply
from bereikbaar.inbox.views import detail_context, visible_conversation
from bereikbaar.routing.casework import CaseworkRefused, assign, set_status, set_tags


def _back(request: HttpRequest, conversation) -> HttpResponse:
    query = request.POST.get("list_query", "")
    url = conversation.get_absolute_url()
    return redirect(f"{url}?{query}" if query else url)


def _refused(request: HttpRequest, conversation, error: Exception, **kept) -> HttpResponse:
    context = detail_context(request, conversation, error=str(error), **kept)
    return render(request, "inbox/detail.html", context, status=422)


@login_required
@require_POST
def reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    text = request.POST.get("text", "")
    channel = request.POST.get("channel", "")
    key = request.POST.get("client_key", "")
    try:
        reply(conversation, request.user, text, channel=channel, client_key=key)
    except ReplyRefused as exc:
        return _refused(request, conversation, exc, reply_text=text, reply_channel=channel)
    return _back(request, conversation)


@login_required
@require_POST
def note_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    text = request.POST.get("text", "")
    try:
        note(conversation, request.user, text)
    except ReplyRefused as exc:
        return _refused(request, conversation, exc, note_text=text)
    return _back(request, conversation)


@login_required
@require_POST
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    value = request.POST.get("assignee", "")
    if value == "me":
        assignee = request.user
    elif value.isdigit():
        assignee = get_user_model().objects.filter(pk=int(value), is_active=True).first()
        if assignee is None:
            return _refused(request, conversation, CaseworkRefused("unknown agent"))
    else:
        assignee = None
    try:
        assign(conversation, assignee)
    except CaseworkRefused as exc:
        return _refused(request, conversation, exc)
    return _back(request, conversation)


@login_required
@require_POST
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    try:
        set_status(conversation, request.POST.get("status", ""))
    except CaseworkRefused as exc:
        conversation.refresh_from_db()
        return _refused(request, conversation, exc)
    return _back(request, conversation)


@login_required
@require_POST
def tags_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    tags = request.POST.get("tags", "").split(",")
    try:
        set_tags(conversation, tags)
    except CaseworkRefused as exc:
        return _refused(request, conversation, exc)
    return _back(request, conversation)
