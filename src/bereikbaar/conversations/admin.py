from django.contrib import admin

from bereikbaar.conversations.models import CannedResponse, Conversation, Message


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["id", "contact", "status", "priority", "team", "assignee", "last_message_at"]
    list_filter = ["status", "team"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "direction", "channel", "delivery_status", "created_at"]
    list_filter = ["channel", "direction"]


admin.site.register(CannedResponse)
