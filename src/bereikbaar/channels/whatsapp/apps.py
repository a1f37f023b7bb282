"""The WhatsApp channel (Cloud API): signed webhooks in, Graph API out."""

from django.apps import AppConfig


class WhatsAppChannelConfig(AppConfig):
    name = "bereikbaar.channels.whatsapp"
    label = "channel_whatsapp"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        from bereikbaar.channels.whatsapp import erasure, provider_delete
        from bereikbaar.channels.whatsapp.inbound import handle
        from bereikbaar.channels.whatsapp.sender import precheck, send
        from bereikbaar.contacts import provider_erasure
        from bereikbaar.delivery import senders
        from bereikbaar.intake import registry

        registry.register("whatsapp", handle)
        senders.register("whatsapp", send, precheck=precheck)
        provider_erasure.register(provider_delete.KIND, provider_delete.DELETER)
        erasure.register()
