"""The Twilio numbers we text from, SMS consent per number and MMS media downloads."""

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_API_BASE = "https://api.twilio.com"


class Account(models.Model):
    """One Twilio number (with its account's credentials)."""

    account_sid = models.CharField(max_length=64)
    auth_token = models.CharField(
        max_length=200, help_text="signs the webhooks; authenticates sends"
    )
    number = models.CharField(max_length=32, unique=True, help_text="E.164")
    api_base = models.URLField(default=DEFAULT_API_BASE)
    public_url = models.URLField(
        blank=True, help_text="how Twilio reaches us, e.g. https://klantcontact.example.nl"
    )
    name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Twilio-nummer")
        verbose_name_plural = _("Twilio-nummers")

    def __str__(self) -> str:
        return self.name or self.number


class Consent(models.Model):
    """Opt-in and opt-out for SMS, per number: when, how and the text shown. The newest record
    for a number is its current state."""

    class State(models.TextChoices):
        OPT_IN = "opt_in", _("aangemeld")
        OPT_OUT = "opt_out", _("afgemeld")

    address = models.CharField(max_length=32, help_text="E.164")
    state = models.CharField(max_length=8, choices=State.choices)
    at = models.DateTimeField()
    method = models.CharField(_("hoe"), max_length=200)
    text_shown = models.TextField(_("getoonde tekst"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["address", "-at"])]
        verbose_name = _("SMS-toestemming")
        verbose_name_plural = _("SMS-toestemmingen")

    def __str__(self) -> str:
        return f"{self.address} {self.state} {self.at:%Y-%m-%d}"


class MediaDownload(models.Model):
    """One MMS media URL of an inbound message, fetched by a task; failures stay visible."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wordt opgehaald")
        DONE = "done", _("opgehaald")
        FAILED = "failed", _("mislukt")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    message_sid = models.CharField(max_length=64)
    url = models.URLField(max_length=1000, unique=True)
    content_type = models.CharField(max_length=255, blank=True)
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

    def __str__(self) -> str:
        return f"{self.message_sid} {self.url} ({self.status})"
