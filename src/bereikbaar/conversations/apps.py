from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "bereikbaar.conversations"
    label = "conversations"
    verbose_name = "Gesprekken"
