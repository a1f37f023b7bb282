from django.contrib import admin

from bereikbaar.channels.whatsapp.models import Account, MediaDownload, Template


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["phone_number_id", "name", "waba_id", "api_base"]


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "category", "status", "account"]
    list_filter = ["status", "language"]
    search_fields = ["name", "body"]


@admin.register(MediaDownload)
class MediaDownloadAdmin(admin.ModelAdmin):
    list_display = ["media_id", "kind", "status", "attempts", "error", "created_at"]
    list_filter = ["status", "kind"]
