"""The Twilio numbers we text from and MMS media downloads. (SMS consent is in the central
register, contacts.Consent: see consent.py.)"""

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from bereikbaar.intake.rotation import in_force

DEFAULT_API_BASE = "https://api.twilio.com"


class Account(models.Model):
    """One Twilio number (with its account's credentials)."""

    account_sid = models.CharField(max_length=64)
    auth_token = models.CharField(
        max_length=200, help_text="signs the webhooks; authenticates sends"
    )
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

    def webhook_tokens(self, now: datetime) -> list[str]:
        """The tokens a webhook may be signed with at `now`: the auth token, and the previous
        one until its overlap window closes (a rotation, or Twilio's secondary token)."""
        return in_force(self.auth_token, self.previous_auth_token, self.previous_valid_until, now)


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
