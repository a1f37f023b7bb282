from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "bereikbaar.delivery"
    label = "delivery"
    verbose_name = "Verzending"

    def ready(self) -> None:
        from bereikbaar.conversations.delivery_status import match_references_with
        from bereikbaar.delivery.claims import adopt

        match_references_with(adopt)  # a status echoing our reference finds its send
