from django.contrib import admin

from bereikbaar.conversations.models import (
    CannedResponse,
    Conversation,
    Message,
    RetentionPolicy,
    RetentionRun,
)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "contact", "status", "priority", "team", "assignee", "last_message_at"]
    list_filter = ["status", "team"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "direction", "channel", "delivery_status", "created_at"]
    list_filter = ["channel", "direction"]


admin.site.register(CannedResponse)


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["channel", "team", "months", "enabled"]
    list_filter = ["channel", "enabled"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """Read-only: the record of what retention deleted."""

    list_display = ["started_at", "finished_at", "dry_run", "by", "counts"]
    list_filter = ["dry_run"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
