from django.contrib import admin

from bereikbaar.channels.voice.models import Call, CallbackRequest, Line


@admin.register(Line)
class LineAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "number", "team"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = [
        "call_id",
        "direction",
        "number",
        "state",
        "outcome",
        "answered_by",
        "started_at",
    ]
    list_filter = ["state", "outcome", "direction"]
    search_fields = ["number", "caller", "call_id"]
    raw_id_fields = ["contact", "message"]


@admin.register(CallbackRequest)
class CallbackRequestAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "source", "priority", "due_at", "status", "attempts"]
    list_filter = ["status", "source"]
    search_fields = ["number", "name"]
