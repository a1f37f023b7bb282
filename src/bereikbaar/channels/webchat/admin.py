"""The admin's "Chatwidget": one settings row (see models.WidgetSettings)."""

from django.contrib import admin

from bereikbaar.channels.webchat.models import WidgetSettings


@admin.register(WidgetSettings)
class WidgetSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "allowed_origins", "changed_at"]
    fields = ["allowed_origins"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not WidgetSettings.objects.exists()
