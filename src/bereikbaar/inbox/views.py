"""Reading views: the conversation list, one conversation, and the fragments htmx re-fetches.

Every lookup goes through `visible_conversations(user)`, so a conversation of another team is a
404 on every route, never a 403 that would confirm it exists.
"""

import uuid
from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from bereikbaar.conversations import access_log
from bereikbaar.conversations.models import CHANNELS, CannedResponse, Conversation
from bereikbaar.delivery.reply import default_channel
from bereikbaar.delivery.senders import channels_with_sender, refusal
from bereikbaar.inbox.filters import MAX_SHOWN, PAGE, Filters, facets, filtered
from bereikbaar.routing.access import visible_conversations
from bereikbaar.routing.display import attach as attach_routing_badges


def fragment_login_required(view):
    """Like login_required, but an htmx re-fetch after the session ended sends the whole page
    to the login form, instead of swapping the login form into a list or timeline."""
    protected = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.htmx and not request.user.is_authenticated:
            page = urlsplit(request.htmx.current_url or "/")
            login = redirect_to_login(page.path + (f"?{page.query}" if page.query else ""))
            return HttpResponseClientRedirect(login["Location"])
        return protected(request, *args, **kwargs)

    return wrapper


def visible_conversation(request: HttpRequest, pk: int) -> Conversation:
    """The conversation if this user may see it, else 404 — the same 404 for another team's
    conversation as for a missing one; only the audit log records the refusal."""
    try:
        return get_object_or_404(
            visible_conversations(request.user).select_related("contact", "assignee", "team"),
            pk=pk,
        )
    except Http404:
        access_log.refused(request, pk)
        raise


def list_context(request: HttpRequest, current: Conversation | None = None) -> dict:
    filters = Filters.from_query(request.GET)
    rows = list(filtered(request.user, filters)[: filters.limit])
    attach_routing_badges(rows)  # emotion, priority reason, SLA due: c.routing_badge
    counts = facets(request.user, filters)
    # every facet's chosen option counts the rows all the filters select: the list's total
    total = next(option["count"] for option in counts["view"] if option["selected"])
    more = total > len(rows) and filters.limit < MAX_SHOWN
    return {
        "filters": filters,
        "facets": counts,
        "conversations": rows,
        "total": total,
        "more_query": filters.as_query(limit=filters.limit + PAGE) if more else "",
        "query": filters.as_query(),
        "current": current,
    }


def timeline_context(conversation: Conversation) -> dict:
    messages = conversation.messages.select_related("author", "signals").prefetch_related(
        "attachments"
    )
    attach_routing_badges([conversation])
    return {"conversation": conversation, "messages": messages}


def detail_context(request: HttpRequest, conversation: Conversation, **extra) -> dict:
    contact = conversation.contact
    team_agents = get_user_model().objects.none()
    if conversation.team_id:
        team_agents = (
            get_user_model()
            .objects.filter(agent__teams=conversation.team_id, is_active=True)
            .order_by("username")
        )
    context = {
        **list_context(request, current=conversation),
        **timeline_context(conversation),
        "contact": contact,
        "identities": contact.identities.order_by("kind", "value"),
        "other_conversations": visible_conversations(request.user)
        .filter(contact=contact)
        .exclude(pk=conversation.pk)
        .order_by("-last_message_at", "-id"),
        "reply_channels": [
            (ch, dict(CHANNELS).get(ch, ch), refusal(ch, conversation))
            for ch in channels_with_sender()
        ],
        "reply_channel": default_channel(conversation),
        "team_agents": team_agents,
        "statuses": Conversation.Status.choices,
        "canned": CannedResponse.objects.order_by("shortcut"),
        "reply_text": "",
        "reply_key": uuid.uuid4().hex,  # one per rendered form: a double submit sends once
        "note_text": "",
        "error": "",
    }
    context.update(extra)
    return context


@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    return render(request, "inbox/list.html", list_context(request))


@fragment_login_required
@require_GET
def list_fragment(request: HttpRequest) -> HttpResponse:
    current = None
    if (open_id := request.GET.get("open", "")).isdigit():
        current = visible_conversations(request.user).filter(pk=int(open_id)).first()
    return render(request, "inbox/_list.html", list_context(request, current=current))


@login_required
@require_GET
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    access_log.opened(request, conversation.pk)
    return render(request, "inbox/detail.html", detail_context(request, conversation))


@fragment_login_required
@require_GET
def timeline_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline htmx re-fetches live: it shows the messages too, so it counts as opening
    the conversation, which access_log logs at most once per ten minutes."""
    conversation = visible_conversation(request, pk)
    access_log.opened(request, conversation.pk)
    return render(request, "inbox/_timeline.html", timeline_context(conversation))
