"""A contact is one person; an identity is one way to reach them (an address, a number, an id)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bereikbaar.contacts.normalise import normalise


class Contact(models.Model):
    name = models.CharField(_("naam"), max_length=200, blank=True)
    language = models.CharField(_("taal"), max_length=8, default="nl")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacten")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    def display_name(self) -> str:
        if self.name:
            return self.name
        first = self.identities.first()
        return first.value if first else f"#{self.pk}"


class Identity(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("e-mail")
        PHONE = "phone", _("telefoon")
        WHATSAPP = "whatsapp", "WhatsApp"
        WEBCHAT = "webchat", _("webchat")
        API = "api", "API"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=320)
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_kind_value")
        ]
        verbose_name = _("identiteit")
        verbose_name_plural = _("identiteiten")

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"

    def save(self, *args, **kwargs) -> None:
        self.value = normalise(self.kind, self.value)
        super().save(*args, **kwargs)
