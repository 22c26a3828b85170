from django.apps import AppConfig


class HelpboardConfig(AppConfig):
    name = "rapport.helpboard"
    label = "helpboard"
