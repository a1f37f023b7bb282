"""Inbound: the raw payload as the provider sent it. This table is the intake queue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Inbound(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("ontvangen")
        PROCESSING = "processing", _("in behandeling")
        PROCESSED = "processed", _("verwerkt")
        QUARANTINED = "quarantined", _("in quarantaine")

    channel = models.CharField(max_length=16)
    # The provider's id for this delivery: a retry carries the same key and stores nothing.
    dedupe_key = models.CharField(max_length=255)
    # Rows with one key are processed one at a time, in arrival order (the sender's address).
    order_key = models.CharField(max_length=320, blank=True)
    payload = models.BinaryField()
    received_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACCEPTED)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Where it ended up: set when processed (several ids when a payload held several messages).
    message_ids = models.JSONField(default=list, blank=True)
    conversation_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "dedupe_key"], name="inbound_unique_dedupe")
        ]
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["order_key", "status"]),
            # The claim's "no earlier unfinished row of this sender" check: a range scan that
            # stops at the first hit, over only the rows still waiting. Without it a sender
            # with a long backlog (1,000 events of one call) made every claim quadratic.
            models.Index(
                fields=["order_key", "id"],
                condition=models.Q(status__in=["accepted", "processing"]),
                name="inbound_unfinished_by_sender",
            ),
        ]
        verbose_name = _("binnengekomen bericht")
        verbose_name_plural = _("binnengekomen berichten")

    def __str__(self) -> str:
        return f"{self.channel}:{self.dedupe_key} ({self.status})"
