from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "rapport.ledger"
    label = "ledger"
