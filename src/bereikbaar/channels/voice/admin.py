from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bereikbaar.channels.voice.models import Call, CallbackRequest, Line
from bereikbaar.intake.rotation import RotationFieldsets


@admin.register(Line)
class LineAdmin(RotationFieldsets, admin.ModelAdmin):
    list_display = ["name", "kind", "number", "team"]
    rotation_fields = ("previous_auth_token", "previous_valid_until")
    rotation_steps = _(
        'Een nieuw Twilio auth token invoeren: 1. zet het huidige token bij "vorig auth '
        'token"; 2. kies bij "vorig token geldig tot" tot wanneer het nog mag; 3. plak '
        "het nieuwe token bij auth token en sla op. Webhooks met een van beide tokens worden "
        "aanvaard tot dat moment, daarna alleen met het nieuwe."
    )


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
