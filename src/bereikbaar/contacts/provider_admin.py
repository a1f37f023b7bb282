"""The evidence of provider-side deletions in the admin: read-only, as evidence must be.

One action changes it: a superuser may try failed deletions again (after fixing the account's
credentials, say); provider_erasure.retry sets them pending, enqueues them and audits it.
"""

import ipaddress

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bereikbaar.contacts import provider_erasure
from bereikbaar.contacts.provider_copies import ProviderDeletion


@admin.register(ProviderDeletion)
class ProviderDeletionAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "contact_id", "kind", "object_id", "status", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["=contact_id", "=object_id"]
    date_hierarchy = "requested_at"
    actions = ["try_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_retry_permission(self, request) -> bool:
        """Only superusers: the admin offers (and accepts) the action to nobody else."""
        return request.user.is_superuser

    @admin.action(
        description=gettext_lazy("Mislukte verwijderingen opnieuw proberen"),
        permissions=["retry"],
    )
    def try_again(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        retried = provider_erasure.retry(ids, by=request.user, ip=_ip(request))
        self.message_user(
            request,
            _("%(n)d verwijdering(en) opnieuw ingepland.") % {"n": retried},
            messages.SUCCESS,
        )
        if len(ids) > retried:
            self.message_user(
                request,
                _("%(n)d overgeslagen: alleen mislukte verwijderingen worden opnieuw geprobeerd.")
                % {"n": len(ids) - retried},
                messages.WARNING,
            )


def _ip(request) -> str | None:
    """REMOTE_ADDR for the audit line, or None when it is not an address."""
    try:
        return str(ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")))
    except ValueError:
        return None
