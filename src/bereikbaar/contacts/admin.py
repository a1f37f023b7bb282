from django.contrib import admin

from bereikbaar.contacts.models import AuditEntry, Consent, Contact, Identity


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "language", "created_at"]
    search_fields = ["name", "identities__value"]
    inlines = [IdentityInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """The one consent register (WhatsApp and SMS keywords included). Entries are history:
    they can be added (an opt-in or opt-out) but never changed."""

    list_display = ["contact", "channel", "address", "granted", "at", "source"]
    list_filter = ["channel", "granted"]
    search_fields = ["address", "contact__name", "source"]
    raw_id_fields = ["contact"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: who viewed, exported, merged or erased which contact, when, from where."""

    list_display = ["at", "action", "contact_id", "actor", "ip"]
    list_filter = ["action"]
    search_fields = ["=contact_id", "actor__username", "ip"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


from bereikbaar.contacts import provider_admin  # noqa: E402, F401 (evidence of provider deletions)
