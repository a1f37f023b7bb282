"""The public contact page (/contact/): every channel with its honest expected wait, opening
hours and the callback form. An edge of its own because it joins two domain packages that sit
side by side: the help centre (arriving from an article is its "still stuck" signal) and
routing (who is online, the queue, opening hours, callback slots)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from bereikbaar.helpcenter import deflection
from bereikbaar.helpcenter.models import Article, HelpEvent
from bereikbaar.helpcenter.views import with_visitor
from bereikbaar.routing import callback_slots, waits

CHAT_PAGE = "/chat/"


@require_GET
@with_visitor
def contact(request: HttpRequest) -> HttpResponse:
    """Every channel with its honest expected wait. Arriving here from a help page is the
    "still stuck" signal and is recorded against the article."""
    came_from = request.GET.get("from", "")[:120]
    if came_from:
        a = Article.objects.filter(slug=came_from).first()
        if a is not None:
            deflection.record_event(HelpEvent.Kind.CONTACT, a, request.help_visitor)
    channel_defs = waits.DEFAULT_CHANNELS
    by_kind = {w.kind: w for w in waits.expected_waits(channel_defs)}
    channels = [{**c, "wait": by_kind.get(c["kind"])} for c in channel_defs]
    for c in channels:
        if c["kind"] == "webchat" and not c["href"]:  # the chat page, for a chat without a site
            c.update(href=CHAT_PAGE, value=gettext("Chat met een medewerker"))
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    context = {"channels": channels, "back": back, **callback_slots.form_context()}
    return render(request, "helpcenter/contact.html", context)
