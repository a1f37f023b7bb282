"""The WhatsApp Business numbers we answer on, the customer-service windows they keep open,
approved templates and media downloads. (The customers' consent is in the central register,
contacts.Consent: see consent.py.)"""

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from bereikbaar.intake.rotation import in_force

DEFAULT_API_BASE = "https://graph.facebook.com/v21.0"


class Account(models.Model):
    """One WhatsApp Business phone number on the Cloud API."""

    phone_number_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200, blank=True)
    waba_id = models.CharField(_("WhatsApp Business Account-id"), max_length=64, blank=True)
    app_secret = models.CharField(
        max_length=200, help_text="signs the webhooks (X-Hub-Signature-256)"
    )
    previous_app_secret = models.CharField(
        _("vorig app-geheim"),
        max_length=200,
        blank=True,
        help_text=_(
            "Geheim wisselen zonder webhooks te missen: zet het oude geheim hier, vul "
            '"vorig geheim geldig tot" in en plak het nieuwe geheim bij app secret. Tot dat '
            "moment worden beide aanvaard."
        ),
    )
    previous_valid_until = models.DateTimeField(
        _("vorig geheim geldig tot"),
        null=True,
        blank=True,
        help_text=_(
            "Tot dit moment wordt het vorige geheim nog aanvaard; daarna wordt een webhook die "
            "ermee ondertekend is geweigerd. Leeg: het vorige geheim geldt niet."
        ),
    )
    verify_token = models.CharField(max_length=200, help_text="the webhook handshake's token")
    access_token = models.TextField(help_text="bearer token for the Graph API")
    api_base = models.URLField(default=DEFAULT_API_BASE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("WhatsApp-nummer")
        verbose_name_plural = _("WhatsApp-nummers")

    def __str__(self) -> str:
        return self.name or self.phone_number_id

    def webhook_secrets(self, now: datetime) -> list[str]:
        """The secrets a webhook may be signed with at `now`: the app secret, and the previous
        one until its overlap window closes (a rotation without refusing Meta's retries)."""
        return in_force(self.app_secret, self.previous_app_secret, self.previous_valid_until, now)


class CustomerWindow(models.Model):
    """When a customer last wrote to one of our numbers (the provider's clock): free-form
    replies are allowed until 24 hours after it."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="windows")
    wa_id = models.CharField(max_length=32, help_text="the customer's number, E.164")
    last_inbound_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "wa_id"], name="wa_window_unique")
        ]
        indexes = [models.Index(fields=["wa_id", "-last_inbound_at"])]

    def __str__(self) -> str:
        return f"{self.wa_id} → {self.account}"


class Template(models.Model):
    """An approved message template: the only thing we may send outside the 24-hour window."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(max_length=512)
    language = models.CharField(max_length=16, default="nl")
    category = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=32, default="APPROVED")
    body = models.TextField(blank=True, help_text="the body text with {{1}}, {{2}} … placeholders")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "name", "language"], name="wa_template_unique"
            )
        ]
        verbose_name = _("WhatsApp-sjabloon")
        verbose_name_plural = _("WhatsApp-sjablonen")

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class TemplateSend(models.Model):
    """Marks an outbound message as a template message, with the parameters it fills in."""

    message = models.OneToOneField(
        "conversations.Message", on_delete=models.CASCADE, related_name="whatsapp_template"
    )
    template = models.ForeignKey(Template, on_delete=models.PROTECT)
    parameters = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.template} for message {self.message_id}"


class MediaDownload(models.Model):
    """One media item of an inbound message, fetched by a task; failures stay visible."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wordt opgehaald")
        DONE = "done", _("opgehaald")
        FAILED = "failed", _("mislukt")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    wamid = models.CharField(max_length=255)
    media_id = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=16)  # image, audio, video, document, sticker
    mime_type = models.CharField(max_length=255, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    attachment = models.ForeignKey(
        "conversations.Attachment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["wamid"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.media_id} ({self.status})"
