"""The send claim: one row per outgoing message, so that one run at a time talks to the provider.

Two runs of one send task can meet (a task given back by recovery.requeue_stalled while its
first worker is only slow, a second worker, a redelivery). Reading the message's status and then
sending leaves a gap between the two in which both see "queued" and both send. The claim closes
the gap: a run sends only after a conditional UPDATE (`sending_since` from NULL to now) changed
this row, committed before the provider is called; the other run's UPDATE changes nothing and it
stops. Kept beside the message rather than as a new delivery status, so the statuses the inbox,
the API and the provider's callbacks speak stay as they are.
"""

from django.db import models


class SendClaim(models.Model):
    message = models.OneToOneField(
        "conversations.Message",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="send_claim",
    )
    # The idempotency token the provider sees on every try of this message (Twilio's
    # I-Twilio-Idempotency-Token): a retry after a lost answer is then one message, not two.
    token = models.CharField(max_length=64)
    # Set while a run is talking to the provider; NULL when nobody is.
    sending_since = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"send claim {self.message_id} ({self.tries} tries)"
