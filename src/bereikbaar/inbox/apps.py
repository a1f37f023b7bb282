from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "bereikbaar.inbox"
    label = "inbox"
    verbose_name = "Inbox"
