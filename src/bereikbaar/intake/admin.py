from django.contrib import admin, messages

from bereikbaar.intake.models import Inbound
from bereikbaar.intake.worker import requeue


@admin.register(Inbound)
class InboundAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "dedupe_key", "status", "attempts", "received_at"]
    list_filter = ["status", "channel"]
    readonly_fields = [f.name for f in Inbound._meta.fields]
    actions = ["process_again"]

    @admin.action(description="Opnieuw verwerken (quarantaine)")
    def process_again(self, request, queryset):
        count = requeue(list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"{count} bericht(en) opnieuw in de wachtrij.", messages.SUCCESS)
