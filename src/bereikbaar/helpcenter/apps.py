from django.apps import AppConfig


class HelpcenterConfig(AppConfig):
    name = "bereikbaar.helpcenter"
    label = "helpcenter"
    verbose_name = "Helpcentrum"
