"""The JSON API at /api/v1: one NinjaAPI, one Router per app."""

from ninja import NinjaAPI

api = NinjaAPI(title="Rapport API", version="1", docs_url="/docs")
