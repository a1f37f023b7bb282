"""Teams, agents and the routing state of each case: who may see it, who has room to take it,
how urgent it is and by when it must be answered."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bereikbaar.routing.labels import LABELS, explain

#: How many cases of one channel fill an agent completely (a live call takes all of them).
DEFAULT_CAPACITY = {"phone": 1, "webchat": 3, "whatsapp": 3, "sms": 5, "email": 10, "api": 10}
DE_ESCALATION = "de-escalation"


class Team(models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    # Inbound with no better hint lands here.
    is_default = models.BooleanField(default=False)
    # {"mon": [["08:30", "17:00"]], ...}; empty: Monday to Friday 09:00-17:00.
    opening_hours = models.JSONField(_("openingstijden"), default=dict, blank=True)
    open_on_holidays = models.BooleanField(_("open op feestdagen"), default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    class Presence(models.TextChoices):
        ONLINE = "online", _("online")
        AWAY = "away", _("afwezig")
        OFFLINE = "offline", _("offline")
        ON_CALL = "on_call", _("in gesprek")
        AFTER_CALL_WORK = "after_call_work", _("nawerk")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    teams = models.ManyToManyField(Team, related_name="agents", blank=True)
    languages = models.JSONField(default=list, blank=True, help_text='e.g. ["nl", "en"]')
    skills = models.JSONField(default=list, blank=True, help_text='e.g. ["de-escalation"]')
    # Per channel, how many cases fill this agent; missing channels use DEFAULT_CAPACITY.
    capacity = models.JSONField(default=dict, blank=True, help_text='e.g. {"webchat": 3}')
    max_concurrent = models.PositiveSmallIntegerField(_("maximaal gelijktijdig"), default=8)
    presence = models.CharField(max_length=16, choices=Presence.choices, default=Presence.OFFLINE)
    # Round robin among equally loaded agents: the one assigned longest ago goes first.
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.user.get_username()

    def limit(self, channel: str) -> int:
        """How many cases of this channel fill the agent (0: never offered this channel)."""
        value = (self.capacity or {}).get(channel, DEFAULT_CAPACITY.get(channel, 10))
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            return 0


class RoutingRule(models.Model):
    """Sends matching inbound to a team; every filled-in condition must hold, first rule wins."""

    name = models.CharField(_("naam"), max_length=100)
    order = models.PositiveIntegerField(default=100)
    active = models.BooleanField(default=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="rules")
    channels = models.JSONField(default=list, blank=True, help_text='e.g. ["phone", "email"]')
    languages = models.JSONField(default=list, blank=True, help_text='e.g. ["en"]')
    keywords = models.JSONField(default=list, blank=True, help_text='e.g. ["factuur"]')
    segments = models.JSONField(default=list, blank=True, help_text="contact tags, e.g. vip")
    # Only agents with this skill may take the case (blank: anyone in the team).
    skill = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name} → {self.team}"


class SlaPolicy(models.Model):
    """Targets in minutes; the most specific policy (channel and priority) applies."""

    name = models.CharField(_("naam"), max_length=100)
    channel = models.CharField(max_length=16, blank=True, help_text="blank: every channel")
    priority = models.SmallIntegerField(null=True, blank=True, help_text="blank: every priority")
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    business_hours = models.BooleanField(default=True, help_text="count only opening hours")
    warn_minutes = models.PositiveIntegerField(default=15, help_text="warn this long before")

    class Meta:
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name


class CaseRouting(models.Model):
    """Routing's view of one conversation: why its priority, where it waits, its deadlines."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="routing"
    )
    language = models.CharField(max_length=8, blank=True)
    skill = models.CharField(max_length=50, blank=True)
    emotion = models.CharField(max_length=16, blank=True)
    urgent = models.BooleanField(default=False)
    # [{"priority": 2, "reason": "boos: 'belachelijk', '!!'", "message_id": 5}, ...]
    priority_reasons = models.JSONField(default=list, blank=True)
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL)
    queued_at = models.DateTimeField(null=True, blank=True)
    waiting_reason = models.CharField(max_length=200, blank=True)
    first_inbound_at = models.DateTimeField(null=True, blank=True)
    human_at = models.DateTimeField(null=True, blank=True)
    sla_policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL)
    first_response_due = models.DateTimeField(null=True, blank=True)
    next_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["queued_at"])]

    def __str__(self) -> str:
        return f"routing of conversation {self.conversation_id}"

    @property
    def time_to_human(self) -> float | None:
        """Seconds from the customer's first message or call to the first human answer."""
        if self.first_inbound_at is None or self.human_at is None:
            return None
        return max(0.0, (self.human_at - self.first_inbound_at).total_seconds())


class MessageSignals(models.Model):
    """What the signals saw in one inbound message, and why."""

    message = models.OneToOneField(
        "conversations.Message", on_delete=models.CASCADE, related_name="signals"
    )
    language = models.CharField(max_length=8, blank=True)
    emotion = models.CharField(max_length=16)
    scores = models.JSONField(default=dict)
    urgent = models.BooleanField(default=False)
    urgency = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list)
    behaviour = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.emotion} (message {self.message_id})"

    @property
    def signals(self) -> "MessageSignals":
        """Itself, so templates read a message's signals and a case's badge the same way."""
        return self

    @property
    def emotion_label(self) -> str:
        return LABELS.get(self.emotion, self.emotion)

    @property
    def explanation(self) -> str:
        """ "boos: 'belachelijk', '!!'; urgent: 'vandaag'": what the agent is shown."""
        parts = []
        if self.emotion != "neutral":
            parts.append(explain(self.emotion, self.reasons))
        if self.urgent:
            parts.append(explain("urgent", self.reasons))
        if not parts:
            notes = [str(r.get("cue")) for r in self.reasons if r.get("label") == "neutral"]
            parts.append(LABELS["neutral"] + (f": {notes[-1]}" if notes else ""))
        return "; ".join(parts)


class SlaBreach(models.Model):
    class Kind(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("eerste reactie")
        NEXT_RESPONSE = "next_response", _("volgende reactie")
        RESOLUTION = "resolution", _("oplossing")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="sla_breaches"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "kind", "due_at"], name="sla_breach_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} breach of conversation {self.conversation_id}"


class ConfigVersion(models.Model):
    """One row whose token changes with every save or delete of a team, rule or SLA policy.

    Every process caches those (routing/config.py) and compares this token before it uses
    them, so a change made in any process is seen by every worker on its next message. A random
    token, not a counter: a rolled-back change must never look like a later one.
    """

    token = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return self.token
