from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bereikbaar.demo"
    label = "demo"
    verbose_name = "Demo en klantsimulator"
