from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "bereikbaar.analytics"
    label = "analytics"
    verbose_name = "Inzicht"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from bereikbaar.analytics import facts
        from bereikbaar.analytics.stats import install_sqlite_functions

        facts.connect()

        connection_created.connect(install_sqlite_functions, dispatch_uid="analytics-sqlite")
