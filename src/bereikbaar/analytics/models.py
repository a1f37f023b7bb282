"""Customer satisfaction (surveys, answers, follow-ups), the weekly-summary opt-in and the
emotion cache for the first and last customer message of a conversation."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bereikbaar.conversations.models import CHANNELS, Conversation, Message

#: Scores at or below this get a follow-up.
LOW_SCORE = 2


def new_token() -> str:
    return secrets.token_urlsafe(24)


class CsatSurvey(models.Model):
    """One offered survey: the public link the customer gets on the channel they used last."""

    class Status(models.TextChoices):
        SENT = "sent", _("verstuurd")
        SKIPPED = "skipped", _("niet verstuurd")
        ANSWERED = "answered", _("beantwoord")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="csat_surveys"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    channel = models.CharField(max_length=16, choices=CHANNELS, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    skip_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"csat #{self.conversation_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return f"/analytics/csat/{self.token}/"


class CsatResponse(models.Model):
    """A 1-5 answer with its optional comment, tied to where the case was handled."""

    survey = models.OneToOneField(CsatSurvey, on_delete=models.CASCADE, related_name="response")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="csat_responses"
    )
    channel = models.CharField(max_length=16, choices=CHANNELS)
    team = models.ForeignKey(
        "routing.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("toelichting"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    needs_follow_up = models.BooleanField(default=False)
    follow_up_done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="csat_score_1_to_5"
            )
        ]
        indexes = [models.Index(fields=["needs_follow_up", "follow_up_done_at"])]

    def __str__(self) -> str:
        return f"{self.score}/5 #{self.conversation_id}"


class SummarySubscription(models.Model):
    """A team lead who asked for the weekly summary by email (opt-in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analytics_summary"
    )
    enabled = models.BooleanField(default=True)
    team = models.ForeignKey(
        "routing.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"summary for {self.user_id}"


class MessageEmotion(models.Model):
    """text.signals' emotion of one inbound message, computed once (the analysis is pure)."""

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    emotion = models.CharField(max_length=16)

    def __str__(self) -> str:
        return f"{self.message_id}: {self.emotion}"


class ConversationFact(models.Model):
    """What the figures need to know about one conversation's messages, kept so the dashboard
    joins one row per conversation instead of searching its messages again for every figure.

    Derived only from the conversation's messages (team, assignee, contact and dates are read
    from the conversation itself, so a reassignment or a merge needs no update here). A saved
    message or conversation raises ``dirty``; analytics.facts brings dirty and missing rows up
    to date before the figures read them, and ``bereikbaar analytics rebuild`` recomputes all.
    """

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, primary_key=True, related_name="analytics_fact"
    )
    # NULL when the conversation has no customer message (the figures then skip it).
    first_channel = models.CharField(max_length=16, null=True, blank=True)  # noqa: DJ001
    channels = models.CharField(max_length=200, blank=True, help_text=",email,phone,")
    multichannel = models.BooleanField(default=False)
    concurrent = models.BooleanField(default=False)
    start_emotion = models.CharField(max_length=16, null=True, blank=True)  # noqa: DJ001
    end_emotion = models.CharField(max_length=16, null=True, blank=True)  # noqa: DJ001
    first_reply_at = models.DateTimeField(null=True, blank=True)
    # From the conversation's own created_at (which never changes): the Monday of its week in
    # settings.TIME_ZONE (rebuild after changing that), and where its 7-day repeat window opens.
    week = models.DateField(null=True)
    repeat_since = models.DateTimeField(null=True)
    dirty = models.PositiveIntegerField(default=0, db_index=True)

    def __str__(self) -> str:
        return f"facts #{self.conversation_id}"
