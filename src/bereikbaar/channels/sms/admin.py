from django.contrib import admin

from bereikbaar.channels.sms.models import Account, MediaDownload


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "account_sid", "api_base", "public_url"]


@admin.register(MediaDownload)
class MediaDownloadAdmin(admin.ModelAdmin):
    list_display = ["message_sid", "url", "status", "attempts", "error"]
    list_filter = ["status"]
