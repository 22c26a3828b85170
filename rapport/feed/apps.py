from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "rapport.feed"
    label = "feed"
