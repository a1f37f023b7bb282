from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "bereikbaar.intake"
    label = "intake"
    verbose_name = "Binnenkomst"

    def ready(self) -> None:
        from bereikbaar.intake import privacy

        privacy.register()
