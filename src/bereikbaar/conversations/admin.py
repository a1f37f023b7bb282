"""The Django admin for conversations: a legal hold is set and lifted here (audited), and the
conversation audit trail is read here (read-only)."""

from django.contrib import admin

from bereikbaar.conversations import access_log
from bereikbaar.conversations.models import (
    AccessEntry,
    CannedResponse,
    Conversation,
    Message,
    RetentionPolicy,
    RetentionRun,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record of what happened: nobody adds, changes or deletes lines by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "contact",
        "status",
        "priority",
        "team",
        "assignee",
        "last_message_at",
        "legal_hold",
    ]
    list_filter = ["status", "team", "legal_hold"]
    raw_id_fields = ["contact", "assignee"]

    def save_model(self, request, obj, form, change) -> None:
        """Setting, lifting or re-motivating a legal hold is written to the audit trail."""
        hold_changed = "legal_hold" in form.changed_data or (
            obj.legal_hold and "legal_hold_reason" in form.changed_data
        )
        super().save_model(request, obj, form, change)
        if hold_changed:
            access_log.hold_changed(request, obj)


@admin.register(AccessEntry)
class AccessEntryAdmin(ReadOnlyAdmin):
    """Who opened, was refused or put on hold which conversation, when and from where."""

    list_display = ["at", "action", "conversation_id", "actor", "ip", "route"]
    list_filter = ["action"]
    search_fields = ["=conversation_id", "actor__username", "ip"]
    date_hierarchy = "at"


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
