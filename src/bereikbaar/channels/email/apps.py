"""The email channel."""

from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "bereikbaar.channels.email"
    label = "channel_email"
    verbose_name = "E-mail"

    def ready(self) -> None:
        from bereikbaar.channels.email.parse import parse
        from bereikbaar.channels.email.sender import send
        from bereikbaar.delivery import senders
        from bereikbaar.intake import registry

        registry.register("email", parse, reads_only=True)  # reads, never writes
        senders.register("email", send)

        from bereikbaar.channels.email.pending import store_attachment
        from bereikbaar.conversations.attachments import store_later

        store_later("email", store_attachment)  # a full disk files the mail, its files follow (I18)

        from django.db.models.signals import post_save

        from bereikbaar.channels.email.acknowledge import on_message_saved
        from bereikbaar.conversations.models import Message

        post_save.connect(on_message_saved, sender=Message, dispatch_uid="email-acknowledge")
