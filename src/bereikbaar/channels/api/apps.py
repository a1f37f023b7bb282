from django.apps import AppConfig


class ApiChannelConfig(AppConfig):
    name = "bereikbaar.channels.api"
    label = "channel_api"
    verbose_name = "API-kanaal"

    def ready(self) -> None:
        from bereikbaar.channels.api.parse import parse
        from bereikbaar.channels.api.sender import send
        from bereikbaar.delivery import senders
        from bereikbaar.intake import registry

        registry.register("api", parse, reads_only=True)
        senders.register("api", send)
