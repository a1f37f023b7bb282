"""Conversation (the case), Message (one contact moment on one channel), Attachment, and the
audit trail of who opened, was refused or put on hold a conversation (AccessEntry)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from bereikbaar.contacts.models import Contact

CHANNELS = [
    ("phone", _("telefoon")),
    ("email", _("e-mail")),
    ("whatsapp", "WhatsApp"),
    ("sms", "SMS"),
    ("webchat", _("chat")),
    ("api", "API"),
]


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PENDING = "pending", _("wacht op klant")
        SNOOZED = "snoozed", _("gesnoozed")
        RESOLVED = "resolved", _("opgelost")

    class Priority(models.IntegerChoices):
        LOW = 0, _("laag")
        NORMAL = 1, _("normaal")
        HIGH = 2, _("hoog")
        URGENT = 3, _("urgent")

    ACTIVE = (Status.OPEN, Status.PENDING, Status.SNOOZED)

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    subject = models.CharField(_("onderwerp"), max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    priority = models.SmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    # Named by string so this floor never imports routing, which sits above it.
    team = models.ForeignKey(
        "routing.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_inbound_channel = models.CharField(max_length=16, choices=CHANNELS, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # A legal hold keeps the conversation whatever retention or an erasure request says, until
    # an administrator lifts it (set and cleared in the Django admin, audited as AccessEntry).
    legal_hold = models.BooleanField(
        _("juridische bewaarplicht"),
        default=False,
        help_text=_("Niet verwijderen of wissen, ook niet na de bewaartermijn of op verzoek."),
    )
    legal_hold_reason = models.TextField(_("reden bewaarplicht"), blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["contact", "status"]),
            models.Index(fields=["team", "status", "-last_message_at"]),
            models.Index(fields=["assignee", "status"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return f"/conversations/{self.pk}/"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def clean(self) -> None:
        """A hold without a reason cannot be judged later, nor lifted with confidence."""
        if self.legal_hold and not self.legal_hold_reason.strip():
            raise ValidationError({"legal_hold_reason": _("Geef een reden voor de bewaarplicht.")})


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("binnenkomend")
        OUTBOUND = "outbound", _("uitgaand")
        NOTE = "note", _("interne notitie")

    class Delivery(models.TextChoices):
        RECEIVED = "received", _("ontvangen")
        QUEUED = "queued", _("in de wachtrij")
        SENT = "sent", _("verzonden")
        DELIVERED = "delivered", _("afgeleverd")
        READ = "read", _("gelezen")
        FAILED = "failed", _("mislukt")
        NONE = "none", "—"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=16, choices=Direction.choices)
    channel = models.CharField(max_length=16, choices=CHANNELS)
    # The provider's own id (Message-ID, wamid, SID, external_id): one message per id per channel.
    provider_id = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001 (NULL = none yet, unique otherwise)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text="sanitised with nh3 before it is stored")
    delivery_status = models.CharField(
        max_length=16, choices=Delivery.choices, default=Delivery.NONE
    )
    delivery_error = models.CharField(max_length=500, blank=True)
    # What else the provider said that an agent may want (raw unknown types, media metadata).
    extra = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The author's idempotency key for a reply (the form's hidden field, the API's
    # Idempotency-Key header): a double submit or a network retry stores and sends it once.
    client_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_id"],
                condition=models.Q(provider_id__isnull=False),
                name="message_unique_provider_id",
            ),
            models.UniqueConstraint(
                fields=["author", "client_key"],
                condition=models.Q(client_key__isnull=False),
                name="message_unique_client_key",
            ),
        ]
        indexes = [models.Index(fields=["conversation", "created_at"])]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.direction} {self.channel} #{self.pk}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.message.conversation_id}/{instance.message_id}/{filename}"


class Attachment(models.Model):
    """A file of a message. When the store failed while the message was filed (a full disk,
    I18), the row says so (pending, then stored or failed) and has no file yet: the message's
    words reach the agent at once, the file follows (conversations/attachments.py)."""

    class State(models.TextChoices):
        STORED = "stored", _("opgeslagen")
        PENDING = "pending", _("bijlage wordt nog opgeslagen")
        FAILED = "failed", _("bijlage kon niet worden opgeslagen")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=attachment_path, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.STORED)
    # Where the channel finds a pending file's bytes again: its place among the message's
    # attachments as the channel listed them (e-mail: the part in the raw mail intake keeps).
    part = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            # the minute sweep (attachments.reschedule_stranded) reads only the pending few:
            # without it, a scan of every attachment (14 ms at 200,000) each minute
            models.Index(
                fields=["id"],
                condition=models.Q(state="pending"),
                name="attachment_pending",
            )
        ]

    def __str__(self) -> str:
        return self.filename


class CannedResponse(models.Model):
    """A reusable answer an agent inserts with a shortcut."""

    shortcut = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    text = models.TextField()

    def __str__(self) -> str:
        return f"/{self.shortcut}"


class EarlyStatus(models.Model):
    """A provider status that arrived before we knew the provider's id for the message.

    Providers can call back before the send call returns; the status waits here and is applied
    the moment the sender records the id (see delivery_status.settle_early).
    """

    channel = models.CharField(max_length=16)
    provider_id = models.CharField(max_length=255)
    status = models.CharField(max_length=16)
    error = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "provider_id"])]

    def __str__(self) -> str:
        return f"{self.channel}:{self.provider_id} {self.status}"


class RetentionPolicy(models.Model):
    """How long resolved conversations that came in on one inbox (a channel, optionally only one
    team's) are kept. A conversation is deleted only when every channel it used has a policy,
    after the longest of those: no policy means kept, so nothing goes by omission."""

    channel = models.CharField(_("kanaal"), max_length=16, choices=CHANNELS)
    team = models.ForeignKey(
        "routing.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leeg: voor alle teams."),
    )
    months = models.PositiveSmallIntegerField(
        _("maanden bewaren na afronden"), help_text=_("Minimaal 1.")
    )
    enabled = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "team"], name="retention_one_per_inbox"),
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(team__isnull=True),
                name="retention_one_per_channel",
            ),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="retention_months_1"),
        ]
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")

    def __str__(self) -> str:
        scope = self.get_channel_display() + (f" · {self.team}" if self.team_id else "")
        return f"{scope}: {self.months} mnd"


class RetentionRun(models.Model):
    """One run of the retention task: what it deleted (or would have, on a dry run), per policy.
    The audit trail of deletions that no person asked for one by one."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("opschoonronde")
        verbose_name_plural = _("opschoonrondes")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.counts.get('conversations', 0)}"


class AccessEntry(models.Model):
    """One line of the conversation audit trail: who opened a conversation, who was refused one
    (another team's: the asker got the same 404 as for a missing id), and who set or lifted a
    legal hold, when and from which address. It answers "who saw conversation X, when, from
    where" after a breach (AVG art. 33). The conversation is kept by id, not by foreign key, so
    the line outlives retention and can name a conversation its asker may not see."""

    class Action(models.TextChoices):
        OPENED = "opened", _("geopend")
        REFUSED = "refused", _("toegang geweigerd")
        HOLD_SET = "hold_set", _("bewaarplicht ingesteld")
        HOLD_CLEARED = "hold_cleared", _("bewaarplicht opgeheven")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("door"),
    )
    action = models.CharField(_("actie"), max_length=16, choices=Action.choices)
    conversation_id = models.BigIntegerField(_("gespreksnummer"), db_index=True)
    route = models.CharField(_("route"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["actor", "conversation_id", "action", "at"])]
        verbose_name = _("auditregel gesprek")
        verbose_name_plural = _("auditlog gesprekken")

    def __str__(self) -> str:
        return f"{self.action} #{self.conversation_id}"
