"""CaseLink: two conversations of one contact joined into one case, explained and undoable."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseLink(models.Model):
    class Signal(models.TextChoices):
        SECOND_CHANNEL = "second_channel", _("tweede kanaal terwijl een gesprek open is")
        SAME_QUESTION = "same_question", _("dezelfde vraag")
        AGENT = "agent", _("door een medewerker")

    case = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="links_in"
    )
    joined = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="links_out"
    )
    signal = models.CharField(max_length=20, choices=Signal.choices)
    explanation = models.CharField(max_length=300)
    evidence = models.JSONField(default=list, blank=True)
    # Exactly what moved and what changed, for an exact undo.
    message_ids = models.JSONField(default=list)
    joined_status = models.CharField(max_length=16)
    case_assignee_id = models.BigIntegerField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "undone_at"])]
        verbose_name = _("gekoppelde vraag")
        verbose_name_plural = _("gekoppelde vragen")

    def __str__(self) -> str:
        return f"#{self.joined_id} → #{self.case_id}: {self.explanation}"
