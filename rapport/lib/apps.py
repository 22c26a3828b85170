from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "rapport.lib"
    label = "lib"
    verbose_name = "Shared helpers"
