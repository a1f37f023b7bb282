"""CSAT: after a case is resolved the customer gets one question (1-5, optional comment) as a
link on the channel they used last; a low score becomes a follow-up for the team.

The survey goes out through delivery.reply, so the channel's own rules apply (consent, the
WhatsApp 24-hour window): when the last channel refuses, e-mail or SMS is tried if the contact
has that identity, and when none can take it the survey is recorded as skipped with the reason.
Call :func:`offer_survey` when a conversation is resolved, or :func:`offer_due_surveys`
periodically for every resolved conversation that has none yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from bereikbaar.analytics.models import LOW_SCORE, CsatResponse, CsatSurvey
from bereikbaar.conversations.models import Conversation
from bereikbaar.delivery import reply as delivery
from bereikbaar.delivery.senders import refusal

LOW_SCORE_TAG = "csat-laag"
# Fallbacks when the last channel cannot carry the survey, by identity kind the contact has.
FALLBACKS = [("email", "email"), ("sms", "phone")]


def public_url(survey: CsatSurvey) -> str:
    base = getattr(settings, "BEREIKBAAR_PUBLIC_URL", "") or "http://127.0.0.1:8000"
    return base.rstrip("/") + survey.get_absolute_url()


def survey_text(survey: CsatSurvey) -> str:
    return _(
        "Hoe tevreden bent u over onze hulp? Geef een cijfer van 1 tot 5 (en als u wilt een "
        "toelichting): %(url)s"
    ) % {"url": public_url(survey)}


def choose_channel(conversation: Conversation) -> tuple[str, str]:
    """(channel, "") for the first channel that can take the survey now, else ("", reason)."""
    kinds = set(conversation.contact.identities.values_list("kind", flat=True))
    candidates = [conversation.last_inbound_channel or "api"]
    candidates += [channel for channel, kind in FALLBACKS if kind in kinds]
    reasons = []
    ruled = _preference_rules(conversation)
    for channel in dict.fromkeys(candidates):
        reason = ruled.get(channel) or refusal(channel, conversation)
        if not reason:
            return channel, ""
        reasons.append(f"{channel}: {reason}")
    return "", "; ".join(reasons)


def _preference_rules(conversation: Conversation) -> dict[str, str]:
    """channel -> why the customer's preferences forbid it now ("" = allowed), where the
    preference centre (contacts.preferences) governs that channel."""
    try:
        from bereikbaar.contacts.preferences import allowed_channels
    except ImportError:
        return {}
    rules = allowed_channels(conversation.contact, timezone.now())
    return {rule.channel: "" if rule.allowed else rule.reason for rule in rules}


def offer_survey(conversation: Conversation) -> CsatSurvey | None:
    """Send the survey for a resolved conversation once; None if not resolved or done already."""
    if conversation.status != Conversation.Status.RESOLVED:
        return None
    if CsatSurvey.objects.filter(conversation=conversation).exists():
        return None
    channel, reason = choose_channel(conversation)
    with transaction.atomic():
        survey = CsatSurvey.objects.create(conversation=conversation, channel=channel)
        if not channel:
            survey.status, survey.skip_reason = CsatSurvey.Status.SKIPPED, reason[:300]
            survey.save(update_fields=["status", "skip_reason"])
            return survey
        try:
            delivery.reply(conversation, None, survey_text(survey), channel)
        except delivery.ReplyRefused as exc:
            survey.status, survey.skip_reason = CsatSurvey.Status.SKIPPED, str(exc)[:300]
            survey.save(update_fields=["status", "skip_reason"])
    return survey


def offer_due_surveys(since: datetime | None = None, limit: int = 500) -> int:
    """Offer surveys for conversations resolved since `since` (default: 2 days) without one."""
    since = since or timezone.now() - timedelta(days=2)
    due = (
        Conversation.objects.filter(status=Conversation.Status.RESOLVED, resolved_at__gte=since)
        .filter(~Exists(CsatSurvey.objects.filter(conversation=OuterRef("pk"))))
        .select_related("contact")
        .order_by("resolved_at")[:limit]
    )
    return sum(1 for conversation in due if offer_survey(conversation))


def record_response(survey: CsatSurvey, score: int, comment: str = "") -> CsatResponse:
    """Store the answer (once per survey); a low score tags the case and leaves a note."""
    if not 1 <= score <= 5:
        raise ValueError("score must be 1-5")
    conversation = survey.conversation
    with transaction.atomic():
        response = CsatResponse.objects.create(
            survey=survey,
            conversation=conversation,
            channel=survey.channel or conversation.last_inbound_channel or "api",
            team_id=conversation.team_id,
            agent_id=conversation.assignee_id,
            score=score,
            comment=comment.strip()[:2000],
            needs_follow_up=score <= LOW_SCORE,
        )
        survey.status = CsatSurvey.Status.ANSWERED
        survey.save(update_fields=["status"])
        if response.needs_follow_up:
            follow_up(conversation, response)
    return response


def follow_up(conversation: Conversation, response: CsatResponse) -> None:
    if LOW_SCORE_TAG not in conversation.tags:
        conversation.tags = [*conversation.tags, LOW_SCORE_TAG]
        conversation.save(update_fields=["tags"])
    text = _("Klanttevredenheid %(score)s/5: neem contact op met de klant.") % {
        "score": response.score
    }
    if response.comment:
        text += " " + _("Toelichting: %(comment)s") % {"comment": response.comment}
    delivery.note(conversation, None, text)


def open_follow_ups(conversations):
    return (
        CsatResponse.objects.filter(
            conversation__in=conversations.values("pk"),
            needs_follow_up=True,
            follow_up_done_at__isnull=True,
        )
        .select_related("conversation", "agent", "team")
        .order_by("created_at")
    )
