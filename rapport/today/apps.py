from django.apps import AppConfig


class TodayConfig(AppConfig):
    name = "rapport.today"
    label = "today"
