from django.apps import AppConfig
from django.conf import settings


class LibConfig(AppConfig):
    name = "rapport.lib"
    label = "lib"
    verbose_name = "Shared helpers"

    def ready(self) -> None:
        if settings.PRODUCTION:
            # Build the keyring now, so a malformed encryption key stops every process at
            # start-up instead of failing the first request that touches encrypted text.
            from .encryption import keyring

            keyring()
