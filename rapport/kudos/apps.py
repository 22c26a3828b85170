from django.apps import AppConfig


class KudosConfig(AppConfig):
    name = "rapport.kudos"
    label = "kudos"
