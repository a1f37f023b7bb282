"""An e-mail's original HTML, for when the sanitised copy in the timeline lost too much of it.

Two routes under the conversation, both checked and audited like the conversation view (another
team's conversation, or a message of one asked for through one's own conversation, is the
missing id's 404 and a refusal in the audit log):

- .../original/ is an inbox page that shows the message in an <iframe sandbox> (no scripts, no
  same origin, no forms, no top navigation);
- .../original/html answers the HTML itself under a Content-Security-Policy that sandboxes it
  even when opened on its own, loads nothing from anywhere (images only as data: URLs, styles
  only inline, so no @import, no tracking pixel, no <base> or <meta refresh> escape) and sends
  no referrer.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bereikbaar.conversations import access_log
from bereikbaar.conversations.models import Conversation, Message
from bereikbaar.inbox.originals import original_of
from bereikbaar.inbox.views import visible_conversation
from bereikbaar.routing.access import visible_conversations

POLICY = "; ".join(
    [
        "sandbox",
        "default-src 'none'",
        "img-src data:",
        "style-src 'unsafe-inline'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    ]
)


def _message(request: HttpRequest, conversation: Conversation, message_pk: int) -> Message:
    """The message if it is one of this conversation's inbound with HTML, else 404; one of a
    conversation this user may not see is also a refusal in the audit log."""
    owner = None
    if 0 < message_pk <= access_log.MAX_ID:
        owner = Message.objects.filter(pk=message_pk).values_list("conversation_id", flat=True)
        owner = owner.first()
    if owner != conversation.pk:
        if owner is not None and not visible_conversations(request.user).filter(pk=owner).exists():
            access_log.refused(request, owner)
        raise Http404
    message = conversation.messages.get(pk=message_pk)
    if not message.html or message.direction != Message.Direction.INBOUND:
        raise Http404  # the timeline offers the original only for what a customer sent
    return message


@login_required
@require_GET
def message_original(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    message = _message(request, conversation, message_pk)
    access_log.opened(request, conversation.pk)
    context = {
        "conversation": conversation,
        "message": message,
        "kept": original_of(message).kept,
    }
    return render(request, "inbox/original.html", context)


@login_required
@require_GET
def message_original_html(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    message = _message(request, conversation, message_pk)
    access_log.opened(request, conversation.pk)
    response = HttpResponse(original_of(message).html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response
