"""Phone lines (CTI or Twilio), calls as the PBX reported them, and the callback queue."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bereikbaar.intake.rotation import in_force


class Line(models.Model):
    """One telephone line: a PBX posting CTI events with `token`, or a Twilio voice number."""

    class Kind(models.TextChoices):
        CTI = "cti", "CTI"
        TWILIO = "twilio", "Twilio"

    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CTI)
    token = models.CharField(max_length=200, unique=True, help_text="the PBX sends it (CTI)")
    signing_secret = models.CharField(
        _("ondertekengeheim"),
        max_length=200,
        blank=True,
        help_text=_(
            "CTI, optioneel: als dit is ingevuld moet elk event X-Bereikbaar-Timestamp "
            "(unix-seconden) en X-Bereikbaar-Signature meesturen: hex HMAC-SHA256 van "
            '"timestamp.body" met dit geheim, hooguit 300 s van onze klok. Leeg: alleen het '
            "token."
        ),
    )
    number = models.CharField(max_length=32, blank=True, help_text="E.164, the number dialled")
    team = models.ForeignKey(
        "routing.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    blocked = models.JSONField(default=list, blank=True, help_text="E.164 numbers to reject")
    # extension or answering number -> username, for PBXs that do not send the login name
    extensions = models.JSONField(default=dict, blank=True)
    # Twilio voice
    account_sid = models.CharField(max_length=64, blank=True)
    auth_token = models.CharField(max_length=200, blank=True)
    previous_auth_token = models.CharField(
        _("vorig auth token"),
        max_length=200,
        blank=True,
        help_text=_(
            "Token wisselen (ook Twilio's secundaire auth token) zonder webhooks te weigeren: zet "
            'het oude token hier, vul "vorig token geldig tot" in en plak het nieuwe token bij '
            "auth token. Tot dat moment worden webhooks met beide aanvaard; verzenden gebruikt "
            "altijd het nieuwe."
        ),
    )
    previous_valid_until = models.DateTimeField(
        _("vorig token geldig tot"),
        null=True,
        blank=True,
        help_text=_(
            "Tot dit moment wordt het vorige token nog aanvaard; daarna wordt een webhook die "
            "ermee ondertekend is geweigerd. Leeg: het vorige token geldt niet."
        ),
    )
    public_url = models.URLField(blank=True, help_text="how Twilio reaches us (behind a proxy)")
    api_base = models.URLField(default="https://api.twilio.com", help_text="Twilio's REST API")
    # click-to-call through the PBX (CTI): we POST {"extension", "number", "callId"} here
    dial_url = models.URLField(blank=True, help_text="the PBX's click-to-dial URL (CTI)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("telefoonlijn")
        verbose_name_plural = _("telefoonlijnen")

    def __str__(self) -> str:
        return self.name

    def webhook_tokens(self, now: datetime) -> list[str]:
        """Twilio: the tokens a webhook may be signed with at `now`: the auth token, and the
        previous one until its overlap window closes (a rotation, or Twilio's secondary token)."""
        return in_force(self.auth_token, self.previous_auth_token, self.previous_valid_until, now)


class Call(models.Model):
    """One call; its fields are derived from every event seen (see state.derive), so events
    may come twice, late or in any order and the record still ends right."""

    class State(models.TextChoices):
        RINGING = "ringing", _("gaat over")
        ANSWERED = "answered", _("in gesprek")
        ENDED = "ended", _("beëindigd")

    class Outcome(models.TextChoices):
        NONE = "", "—"
        ANSWERED = "answered", _("beantwoord")
        MISSED = "missed", _("gemist")
        ABANDONED = "abandoned", _("opgehangen tijdens wachten")
        FAILED = "failed", _("mislukt")
        NOT_REACHED = "not_reached", _("niet bereikt")
        REJECTED = "rejected", _("geweigerd (geblokkeerd)")
        CALLBACK = "callback", _("terugbelverzoek")
        VOICEMAIL = "voicemail", _("voicemail")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="calls")
    call_id = models.CharField(max_length=200)
    direction = models.CharField(max_length=3, default="in")  # in | out
    caller = models.CharField(max_length=200, blank=True, help_text="as the PBX sent it")
    callee = models.CharField(max_length=200, blank=True, help_text="as the PBX sent it")
    number = models.CharField(max_length=32, blank=True, help_text="the customer, E.164")
    facts = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RINGING)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    cause = models.CharField(max_length=32, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_ext = models.CharField(max_length=200, blank=True)
    notes = models.TextField(_("notities"), blank=True)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    events = models.PositiveIntegerField(default=0)
    callback = models.ForeignKey(
        "CallbackRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attempt_calls",
        help_text="the callback this outbound call is an attempt at",
    )
    # Set by erasure (erasure.py): later events of this call still move its state and times,
    # but never fill its numbers or its (blanked) call log back in (calls.py).
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "call_id"], name="call_unique_per_line")
        ]
        indexes = [models.Index(fields=["state", "-created_at"])]
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")

    def __str__(self) -> str:
        return f"{self.direction} {self.number or self.caller or '?'} ({self.state})"

    @property
    def provider_id(self) -> str:
        return f"call:{self.line_id}:{self.call_id}"


class CallbackRequest(models.Model):
    """A customer to call back: from a missed call, the voice line's "press 1", or the page."""

    class Source(models.TextChoices):
        MISSED = "missed", _("gemiste oproep")
        ABANDONED = "abandoned", _("opgehangen tijdens wachten")
        IVR = "ivr", _("toets 1 in de wachtrij")
        VOICEMAIL = "voicemail", _("voicemail")
        PAGE = "page", _("contactpagina")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("teruggebeld")
        FAILED = "failed", _("niet bereikt")
        CANCELLED = "cancelled", _("vervallen")

    number = models.CharField(max_length=32, help_text="E.164")
    name = models.CharField(max_length=200, blank=True)
    question = models.TextField(_("vraag"), blank=True, help_text="from the contact page")
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks"
    )
    source = models.CharField(max_length=16, choices=Source.choices)
    priority = models.SmallIntegerField(default=1)  # like Conversation.Priority
    due_at = models.DateTimeField(help_text="when to call next (moves on after a failed try)")
    # For "called back on time" (analytics): the first promise, the first dial, the end.
    first_due_at = models.DateTimeField(null=True, blank=True)
    placed_at = models.DateTimeField(null=True, blank=True, help_text="the first attempt")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="done, failed or void")
    slot_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    attempts = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "-priority", "due_at"])]
        verbose_name = _("terugbelverzoek")
        verbose_name_plural = _("terugbelverzoeken")

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"
