from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "bereikbaar.contacts"
    label = "contacts"
    verbose_name = "Contacten"
