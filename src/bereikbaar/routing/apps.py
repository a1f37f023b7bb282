from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RoutingConfig(AppConfig):
    name = "bereikbaar.routing"
    label = "routing"
    verbose_name = "Routering"

    def ready(self) -> None:
        from bereikbaar.conversations.models import Message
        from bereikbaar.routing import config
        from bereikbaar.routing.models import RoutingRule, SlaPolicy, Team

        post_save.connect(_message_saved, sender=Message, dispatch_uid="routing-human-answer")
        for model in (Team, RoutingRule, SlaPolicy):  # cached per process: see config.py
            for signal in (post_save, post_delete):
                signal.connect(config.changed, sender=model, dispatch_uid=f"routing-config-{model}")


def _message_saved(sender, instance, created: bool, **kwargs) -> None:
    """A human's outbound message answers the customer: time-to-human and SLA deadlines.

    A post_save receiver because delivery.reply stores replies; it writes only routing's own
    row in the same transaction (no I/O), and is idempotent.
    """
    if not created or instance.direction != "outbound" or instance.author_id is None:
        return
    from bereikbaar.routing.triage import on_reply

    on_reply(instance.conversation, instance)
