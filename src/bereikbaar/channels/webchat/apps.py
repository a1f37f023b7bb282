"""Web chat: visitor messages go through intake like any provider's; replies are pushed back
to the visitor's socket by the sender registered here."""

from django.apps import AppConfig


class WebchatChannelConfig(AppConfig):
    name = "bereikbaar.channels.webchat"
    label = "channel_webchat"
    verbose_name = "Webchat"

    def ready(self) -> None:
        from bereikbaar.channels.webchat.inbound import handle
        from bereikbaar.channels.webchat.sender import precheck, send
        from bereikbaar.delivery import senders
        from bereikbaar.intake import registry

        registry.register("webchat", handle)
        senders.register("webchat", send, precheck=precheck)

        from bereikbaar.channels.webchat.pending import store_attachment
        from bereikbaar.conversations.attachments import store_later

        store_later("webchat", store_attachment)  # a full disk files the message (I18)
