from django.apps import AppConfig


class ToneConfig(AppConfig):
    name = "rapport.tone"
    label = "tone"
    verbose_name = "Tone coach"
