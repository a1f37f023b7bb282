from django.contrib import admin

from bereikbaar.channels.email.models import EmailInbox


@admin.register(EmailInbox)
class EmailInboxAdmin(admin.ModelAdmin):
    list_display = ["address", "name", "enabled", "imap_host", "imap_last_poll_at", "imap_error"]
    list_filter = ["enabled"]
    search_fields = ["address", "name"]
    readonly_fields = ["imap_uidvalidity", "imap_last_uid", "imap_last_poll_at", "imap_error"]
    fieldsets = [
        (None, {"fields": ["address", "name", "enabled", "acknowledge"]}),
        (
            "SMTP (verzenden)",
            {
                "fields": [
                    "smtp_host",
                    "smtp_port",
                    "smtp_security",
                    "smtp_username",
                    "smtp_password",
                ]
            },
        ),
        (
            "IMAP (ophalen)",
            {
                "fields": [
                    "imap_host",
                    "imap_port",
                    "imap_security",
                    "imap_username",
                    "imap_password",
                    "imap_folder",
                    "imap_move_to",
                    *readonly_fields,
                ]
            },
        ),
    ]
