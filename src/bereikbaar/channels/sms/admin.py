from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bereikbaar.channels.sms.models import Account, MediaDownload
from bereikbaar.intake.rotation import RotationFieldsets


@admin.register(Account)
class AccountAdmin(RotationFieldsets, admin.ModelAdmin):
    list_display = ["number", "name", "account_sid", "api_base", "public_url"]
    rotation_fields = ("previous_auth_token", "previous_valid_until")
    rotation_steps = _(
        'Een nieuw Twilio auth token invoeren: 1. zet het huidige token bij "vorig auth '
        'token"; 2. kies bij "vorig token geldig tot" tot wanneer het nog mag; 3. plak '
        "het nieuwe token bij auth token en sla op. Webhooks met een van beide tokens worden "
        "aanvaard tot dat moment, daarna alleen met het nieuwe."
    )


@admin.register(MediaDownload)
class MediaDownloadAdmin(admin.ModelAdmin):
    list_display = ["message_sid", "url", "status", "attempts", "error"]
    list_filter = ["status"]
