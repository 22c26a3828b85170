from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PeopleConfig(AppConfig):
    name = "rapport.people"
    label = "people"

    def ready(self) -> None:
        # Each app's data_rights module registers its section of a person's data.
        autodiscover_modules("data_rights")
