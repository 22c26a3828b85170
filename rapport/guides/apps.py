from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "rapport.guides"
    label = "guides"
