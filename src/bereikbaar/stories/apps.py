from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """One customer, one story: contact merges that carry conversations along, case links
    between a contact's concurrent conversations, and the conversation part of GDPR."""

    name = "bereikbaar.stories"
    label = "stories"
    verbose_name = "Verhalen"

    def ready(self) -> None:
        from bereikbaar.stories import hooks

        hooks.register()
