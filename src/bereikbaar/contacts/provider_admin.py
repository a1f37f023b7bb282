"""The evidence of provider-side deletions in the admin: read-only, as evidence must be."""

from django.contrib import admin

from bereikbaar.contacts.provider_copies import ProviderDeletion


@admin.register(ProviderDeletion)
class ProviderDeletionAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "contact_id", "kind", "object_id", "status", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["=contact_id", "=object_id"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
