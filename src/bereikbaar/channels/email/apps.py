from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "bereikbaar.channels.email"
    label = "channel_email"
    verbose_name = "E-mail"
