from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "bereikbaar.delivery"
    label = "delivery"
    verbose_name = "Verzending"
