"""The contact page: identities, probable duplicates, merges (and undo), case links (and undo),
preferences, consent, GDPR export and erasure, and the audit log. Thin: logic lives in
contacts/ and stories/."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bereikbaar.contacts import consent
from bereikbaar.contacts.audit import audit, history
from bereikbaar.contacts.merge import MergeError, merge, unmerge
from bereikbaar.contacts.models import AuditEntry, Contact, MergeRecord
from bereikbaar.contacts.preferences import allowed_channels, make_token, preference_for
from bereikbaar.contacts.privacy import EraseBlocked, erase, export
from bereikbaar.contacts.suggest import from_text, suggestions
from bereikbaar.conversations import access_log
from bereikbaar.conversations.models import Message
from bereikbaar.inbox.views import visible_conversation
from bereikbaar.routing.access import visible_conversations
from bereikbaar.stories.caselink import (
    LinkError,
    after_merge,
    candidates,
    link,
    links_for,
    unlink,
)
from bereikbaar.stories.models import CaseLink

admin_only = user_passes_test(lambda u: u.is_active and u.is_superuser)


def _suggestions(contact: Contact) -> list:
    found = {s.contact.pk: s for s in suggestions(contact)}
    texts = Message.objects.filter(
        conversation__contact=contact, direction=Message.Direction.INBOUND
    ).values_list("text", flat=True)[:50]
    for text in texts:
        for s in from_text(contact, text):
            found.setdefault(s.contact.pk, s).evidence.extend(
                e for e in s.evidence if e not in found[s.contact.pk].evidence
            )
    return list(found.values())


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    if contact.merged_into_id:
        return redirect("inbox:contact", pk=contact.merged_into_id)
    audit(request.user, AuditEntry.Action.VIEW, contact.pk, ip=access_log.client_ip(request))
    context = {
        "contact": contact,
        "identities": contact.identities.order_by("kind", "value"),
        "suggestions": [] if contact.erased_at else _suggestions(contact),
        "merges": MergeRecord.objects.filter(survivor=contact).select_related("merged"),
        "conversations": visible_conversations(request.user).filter(contact=contact),
        "preference": preference_for(contact),
        "channels": allowed_channels(contact, timezone.now()),
        "consents": consent.history(contact),
        "audit": history(contact.pk)[:30],
        "preference_link": request.build_absolute_uri(f"/voorkeuren/{make_token(contact)}/"),
    }
    return render(request, "inbox/contact.html", context)


@login_required
@require_POST
def contact_merge(request: HttpRequest, pk: int) -> HttpResponse:
    survivor = get_object_or_404(Contact, pk=pk)
    chosen = {k: request.POST[k] for k in ("name", "language") if request.POST.get(k)}
    try:
        other = int(request.POST.get("other", ""))
        merge(survivor, other, chosen, by=request.user)
    except (ValueError, MergeError) as exc:
        messages.error(request, str(exc) or "ongeldig contact")
    else:
        messages.success(request, f"Contact #{other} samengevoegd; ongedaan maken kan hieronder.")
        for made in after_merge(survivor.pk):
            messages.info(request, f"Gesprek #{made.joined_id} gekoppeld: {made.explanation}")
    return redirect("inbox:contact", pk=pk)


@login_required
@require_POST
def contact_unmerge(request: HttpRequest, record_pk: int) -> HttpResponse:
    record = get_object_or_404(MergeRecord, pk=record_pk)
    try:
        unmerge(record, by=request.user)
    except MergeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Samenvoeging ongedaan: contact #{record.merged_id} is terug.")
    return redirect("inbox:contact", pk=record.survivor_id)


@login_required
@admin_only
@require_GET
def contact_export(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    data = export(contact, by=request.user, ip=access_log.client_ip(request))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    return response


@login_required
@admin_only
@require_POST
def contact_erase(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    if request.POST.get("confirm") != str(contact.pk):
        messages.error(request, "Typ het contactnummer ter bevestiging.")
        return redirect("inbox:contact", pk=pk)
    try:
        counts = erase(contact, by=request.user, reason=request.POST.get("reason", "")[:200])
    except EraseBlocked as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Gewist: " + json.dumps(counts))
    return redirect("inbox:contact", pk=pk)


def _visible(request: HttpRequest, found: list) -> list:
    """Only the candidates this user may open: another team's case is not even named."""
    ids = {c.conversation.pk for c in found}
    allowed = set(
        visible_conversations(request.user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    return [c for c in found if c.conversation.pk in allowed]


@login_required
@require_GET
def case_links(request: HttpRequest, pk: int) -> HttpResponse:
    """A fragment for the conversation page: linked cases (with undo) and link suggestions."""
    conversation = visible_conversation(request, pk)
    context = {
        "conversation": conversation,
        "links": links_for(conversation),
        "candidates": _visible(request, candidates(conversation)) if conversation.is_active else [],
    }
    return render(request, "inbox/contact_links.html", context)


@login_required
@require_POST
def case_link(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = visible_conversation(request, pk)
    try:
        other = visible_conversation(request, int(request.POST.get("other", "0")))
        found = {c.conversation.pk: c for c in candidates(conversation)}
        cand = found.get(other.pk)
        signal = cand.signal if cand else CaseLink.Signal.AGENT
        evidence = cand.evidence if cand else []
        case, joined = sorted([conversation, other], key=lambda c: (c.created_at, c.pk))
        link(case, joined, signal, "", evidence, by=request.user)
    except (ValueError, LinkError) as exc:
        messages.error(request, str(exc))
        return redirect(conversation.get_absolute_url())
    return redirect(case.get_absolute_url())


@login_required
@require_POST
def case_unlink(request: HttpRequest, link_pk: int) -> HttpResponse:
    record = get_object_or_404(CaseLink, pk=link_pk)
    visible_conversation(request, record.case_id)
    try:
        unlink(record, by=request.user)
    except LinkError as exc:
        messages.error(request, str(exc))
    return redirect(f"/conversations/{record.case_id}/")
