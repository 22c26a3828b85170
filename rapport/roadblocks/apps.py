from django.apps import AppConfig


class RoadblocksConfig(AppConfig):
    name = "rapport.roadblocks"
    label = "roadblocks"
