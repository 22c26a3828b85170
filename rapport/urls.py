"""The URL map. Each domain app owns its own `urls.py`; the API is one NinjaAPI."""

from django.contrib import admin
from django.urls import include, path

from rapport.api.api import api

urlpatterns = [
    path("", include("rapport.today.urls")),
    path("", include("rapport.web.urls")),
    path("people/", include("rapport.people.urls")),
    path("accounts/", include("rapport.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler404 = "rapport.web.views.not_found"
handler403 = "rapport.web.views.forbidden"
handler500 = "rapport.web.views.server_error"
