"""EmailInbox: one address we receive on (SMTP and/or an IMAP mailbox) and send from."""

from django.db import models
from django.utils.translation import gettext_lazy as _

SECURITY = [("none", _("geen")), ("starttls", "STARTTLS"), ("tls", "TLS")]


class EmailInbox(models.Model):
    address = models.EmailField(_("adres"), max_length=320, unique=True)
    name = models.CharField(_("naam"), max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    # Sending: the organisation's own mail server (nothing set = Django's EMAIL_* settings).
    smtp_host = models.CharField(max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(default=587)
    smtp_username = models.CharField(max_length=320, blank=True)
    smtp_password = models.CharField(max_length=500, blank=True)
    smtp_security = models.CharField(max_length=8, choices=SECURITY, default="starttls")
    # Polling an existing mailbox (nothing set = mail arrives over our SMTP receiver only).
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_username = models.CharField(max_length=320, blank=True)
    imap_password = models.CharField(max_length=500, blank=True)
    imap_security = models.CharField(max_length=8, choices=SECURITY, default="tls")
    imap_folder = models.CharField(max_length=200, default="INBOX")
    # After commit a message is moved here; empty = it is flagged \Seen and left in place.
    imap_move_to = models.CharField(max_length=200, blank=True)
    # The checkpoint, saved in the transaction that stores the message: never fetched twice.
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True)
    imap_last_uid = models.BigIntegerField(default=0)
    imap_last_poll_at = models.DateTimeField(null=True, blank=True)
    imap_error = models.TextField(blank=True)
    # An automatic receipt with an honest expected reply time for new cases.
    acknowledge = models.BooleanField(_("ontvangstbevestiging"), default=False)

    class Meta:
        verbose_name = _("e-mailinbox")
        verbose_name_plural = _("e-mailinboxen")

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs) -> None:
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)

    @property
    def polls_imap(self) -> bool:
        return bool(self.enabled and self.imap_host and self.imap_username)
