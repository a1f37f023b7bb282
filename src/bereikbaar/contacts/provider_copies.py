"""Evidence that the providers' copies of an erased person were deleted too.

Twilio keeps every SMS/MMS (body, numbers, media) and every call recording until someone
deletes them; erasing our rows leaves those copies behind. At erasure each channel names the
provider objects of that person (provider_erasure.py); each becomes one row here, and a task
asks the provider to delete it and records the answer. The row holds only the provider's ids
(an account SID and a message, call or recording SID): no bodies, no numbers, no names, so the
evidence may be kept as long as the erasure itself must be provable.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderDeletion(models.Model):
    """One provider object of an erased contact, and what the provider said when we deleted it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("nog te verwijderen")
        DONE = "done", _("verwijderd")
        GONE = "gone", _("was al weg")
        FAILED = "failed", _("mislukt")

    contact_id = models.BigIntegerField(db_index=True)
    # Which registered deleter, e.g. "twilio_message", "twilio_call_recordings".
    kind = models.CharField(_("soort"), max_length=40)
    account = models.CharField(_("account bij de aanbieder"), max_length=64, blank=True)
    object_id = models.CharField(_("id bij de aanbieder"), max_length=255)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    answer = models.CharField(_("antwoord van de aanbieder"), max_length=500, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="provider_deletion_once")
        ]
        ordering = ["-requested_at", "-id"]
        verbose_name = _("verwijdering bij aanbieder")
        verbose_name_plural = _("verwijderingen bij aanbieders")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.status})"
