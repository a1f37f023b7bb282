from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bereikbaar.channels.whatsapp.models import Account, MediaDownload, Template
from bereikbaar.intake.rotation import RotationFieldsets


@admin.register(Account)
class AccountAdmin(RotationFieldsets, admin.ModelAdmin):
    list_display = ["phone_number_id", "name", "waba_id", "api_base", "previous_valid_until"]
    rotation_fields = ("previous_app_secret", "previous_valid_until")
    rotation_steps = _(
        'Een nieuw app-geheim invoeren: 1. zet het huidige geheim bij "vorig app-geheim"; '
        '2. kies bij "vorig geheim geldig tot" tot wanneer het nog mag (bijvoorbeeld over '
        "een uur); 3. plak het nieuwe geheim bij app secret en sla op. Webhooks met een van "
        "beide geheimen worden aanvaard tot dat moment, daarna alleen met het nieuwe."
    )


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "category", "status", "account"]
    list_filter = ["status", "language"]
    search_fields = ["name", "body"]


@admin.register(MediaDownload)
class MediaDownloadAdmin(admin.ModelAdmin):
    list_display = ["media_id", "kind", "status", "attempts", "error", "created_at"]
    list_filter = ["status", "kind"]
