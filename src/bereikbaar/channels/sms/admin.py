from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bereikbaar.channels.sms.models import Account, MediaDownload

ROTATION = ("previous_auth_token", "previous_valid_until")


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "account_sid", "api_base", "public_url"]

    def get_fieldsets(self, request, obj=None):
        """The rotation fields in their own section, with the steps to follow."""
        fields = [f for f in self.get_fields(request, obj) if f not in ROTATION]
        steps = _(
            'Een nieuw Twilio auth token invoeren: 1. zet het huidige token bij "vorig auth '
            'token"; 2. kies bij "vorig token geldig tot" tot wanneer het nog mag; 3. plak '
            "het nieuwe token bij auth token en sla op. Webhooks met een van beide tokens worden "
            "aanvaard tot dat moment, daarna alleen met het nieuwe."
        )
        rotation = {"fields": ROTATION, "description": steps}
        return [(None, {"fields": fields}), (_("Sleutelwissel"), rotation)]


@admin.register(MediaDownload)
class MediaDownloadAdmin(admin.ModelAdmin):
    list_display = ["message_sid", "url", "status", "attempts", "error"]
    list_filter = ["status"]
