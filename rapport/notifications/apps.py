from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rapport.notifications"
    label = "notifications"
