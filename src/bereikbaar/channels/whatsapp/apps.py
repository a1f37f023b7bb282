from django.apps import AppConfig


class WhatsAppChannelConfig(AppConfig):
    name = "bereikbaar.channels.whatsapp"
    label = "channel_whatsapp"
    verbose_name = "WhatsApp"
