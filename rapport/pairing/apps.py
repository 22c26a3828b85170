from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "rapport.pairing"
    label = "pairing"
