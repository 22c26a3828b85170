from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "rapport.commitments"
    label = "commitments"
