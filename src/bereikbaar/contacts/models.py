"""A contact is one person; an identity is one way to reach them (an address, a number, an id)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bereikbaar.contacts.normalise import normalise


class Contact(models.Model):
    name = models.CharField(_("naam"), max_length=200, blank=True)
    language = models.CharField(_("taal"), max_length=8, default="nl")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when this contact was merged into another (kept, not deleted, so a merge can be undone).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    erased_at = models.DateTimeField(null=True, blank=True)

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


class MergeRecord(models.Model):
    """One merge of ``merged`` into ``survivor``, with exactly what moved, so undo is exact.

    ``moved`` maps a mover's name (see contacts.merge.register_mover) to the ids it moved;
    ``fields`` maps a contact field to [survivor's value before, value after].
    """

    survivor = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges_in")
    merged = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges_out")
    moved = models.JSONField(default=dict)
    fields = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("samenvoeging")
        verbose_name_plural = _("samenvoegingen")

    def __str__(self) -> str:
        return f"#{self.merged_id} → #{self.survivor_id}"


class Preference(models.Model):
    """What the customer told us through the preference centre (or an agent on their behalf)."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="preference")
    preferred = models.JSONField(_("voorkeurskanalen, op volgorde"), default=list, blank=True)
    never = models.JSONField(_("nooit gebruiken"), default=list, blank=True)
    quiet_start = models.TimeField(_("stil vanaf"), null=True, blank=True)
    quiet_end = models.TimeField(_("stil tot"), null=True, blank=True)
    language = models.CharField(_("taal"), max_length=8, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"voorkeuren van #{self.contact_id}"


class Consent(models.Model):
    """One opt-in or opt-out, immutable: the register is the history, the latest row counts.

    The one consent register of the product: the channels (WhatsApp, SMS) record their STOP and
    START keywords and opt-in forms here too (through contacts.consent), so the contact page,
    the preference centre, delivery and the channels' own senders all read the same rows.
    ``address`` is the number or address the entry came from or is about ("" = given for the
    contact as a whole, e.g. by an agent); ``at`` is when it was given (a provider's clock for
    a keyword), ``recorded_at`` when we stored it.
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("kanaal"), max_length=16)
    address = models.CharField(_("nummer of adres"), max_length=320, blank=True)
    granted = models.BooleanField(_("toestemming"))
    source = models.CharField(_("hoe"), max_length=200, help_text="e.g. webformulier, STOP")
    text_shown = models.TextField(_("getoonde tekst"), blank=True)
    at = models.DateTimeField(_("wanneer"), default=timezone.now)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["contact", "channel", "-at"]),
            models.Index(fields=["channel", "address"]),
        ]
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")

    def __str__(self) -> str:
        return f"#{self.contact_id} {self.channel} {'in' if self.granted else 'uit'}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("consent history is immutable: record a new opt-in or opt-out")
        super().save(*args, **kwargs)


class ErasedIdentity(models.Model):
    """A tombstone: the keyed hash of an erased identity, so a late redelivery of an old
    message does not silently re-create the person (see contacts.privacy.is_erased)."""

    digest = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.digest[:12]


class AuditEntry(models.Model):
    """Who viewed, exported, merged or erased which contact (by id, so it outlives erasure)."""

    class Action(models.TextChoices):
        VIEW = "view", _("bekeken")
        EXPORT = "export", _("geëxporteerd")
        MERGE = "merge", _("samengevoegd")
        UNMERGE = "unmerge", _("samenvoeging ongedaan")
        ERASE = "erase", _("gewist")
        PREFERENCES = "preferences", _("voorkeuren gewijzigd")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    contact_id = models.BigIntegerField(db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    # Where the request came from (REMOTE_ADDR), for "who exported X, from where"; empty for
    # work no request asked for (a job, a customer's own link).
    ip = models.GenericIPAddressField(_("IP-adres"), null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("auditregel contact")
        verbose_name_plural = _("auditlog contacten")

    def __str__(self) -> str:
        return f"{self.action} #{self.contact_id}"


from bereikbaar.contacts.provider_copies import ProviderDeletion  # noqa: E402, F401 (the model lives there)
