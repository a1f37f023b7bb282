"""The phone: generic CTI events, the Twilio voice line, the call log, callbacks, screen-pop."""

from django.apps import AppConfig


class VoiceChannelConfig(AppConfig):
    name = "bereikbaar.channels.voice"
    label = "channel_voice"
    verbose_name = "Telefoon"

    def ready(self) -> None:
        from bereikbaar.channels.voice import erasure, provider_delete
        from bereikbaar.channels.voice.inbound import handle
        from bereikbaar.contacts import provider_erasure
        from bereikbaar.intake import registry

        registry.register("phone", handle)
        provider_erasure.register(provider_delete.KIND, provider_delete.DELETER)
        erasure.register()
