"""The agent's WhatsApp reply box: its fragment (re-fetched when the window may have changed)
and sending an approved template from it.

Both look the conversation up through routing's visible_conversations, so another team's
conversation is a 404 here as everywhere in the inbox. A refused template answers 422 with
the reason and the agent's parameters kept; it is never stored, never a 500.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from bereikbaar.channels.whatsapp.agent_box import box, refused_parameters
from bereikbaar.channels.whatsapp.models import Template
from bereikbaar.channels.whatsapp.templates import placeholders, send_template
from bereikbaar.conversations import access_log
from bereikbaar.conversations.models import Conversation
from bereikbaar.delivery.reply import ReplyRefused
from bereikbaar.routing.access import visible_conversations

FRAGMENT = "whatsapp/_reply_box.html"


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    """The same 404 for another team's conversation as for a missing one; the audit log
    records the refusal, as the inbox's own views do."""
    try:
        return get_object_or_404(
            visible_conversations(request.user).select_related("contact"), pk=pk
        )
    except Http404:
        access_log.refused(request, pk)
        raise


@login_required
@require_GET
def reply_box(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    return render(request, FRAGMENT, box(conversation, request.GET.get("channel", "whatsapp")))


@login_required
@require_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    raw = request.POST.get("template", "")
    ok = raw.isdigit() and len(raw) < 10  # a huge number would overflow SQLite's INTEGER
    template = Template.objects.filter(pk=int(raw)).first() if ok else None
    values: list[str] = []
    if template is None:
        error = gettext("Kies een goedgekeurd sjabloon.")
    else:
        values = [v.strip() for v in request.POST.getlist(f"param-{template.pk}")]
        error = refused_parameters(values, placeholders(template))
    if not error:
        try:
            send_template(conversation, request.user, template, values)
        except ReplyRefused as exc:
            error = str(exc)
    if error:
        return _answer(request, conversation, status=422, error=error, chosen=template, kept=values)
    if not request.htmx:
        return redirect(conversation.get_absolute_url())
    response = _answer(request, conversation, sent=template.name)
    response["HX-Trigger"] = "inbox:refresh-timeline"
    return response


def _answer(
    request: HttpRequest,
    conversation: Conversation,
    status: int = 200,
    chosen: Template | None = None,
    kept: list[str] | None = None,
    **extra,
) -> HttpResponse:
    context = {**box(conversation, "whatsapp", chosen, kept), **extra}
    context["conversation"] = conversation
    page = FRAGMENT if request.htmx else "whatsapp/template_refused.html"
    return render(request, page, context, status=status)
