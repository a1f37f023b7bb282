from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bereikbaar.api"
    label = "api"
    verbose_name = "API"
