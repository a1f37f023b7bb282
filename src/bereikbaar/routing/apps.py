from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "bereikbaar.routing"
    label = "routing"
    verbose_name = "Routering"
