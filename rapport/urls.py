"""The URL map. Each domain app owns its own `urls.py`; the API is one NinjaAPI."""

from django.contrib import admin
from django.urls import include, path

from rapport.api.api import api
from rapport.web import views as web_views

urlpatterns = [
    path("", include("rapport.today.urls")),
    path("", include("rapport.web.urls")),
    path("people/", include("rapport.people.urls")),
    path("audit/", include("rapport.audit.urls")),
    path("", include("rapport.notifications.urls")),
    path("checkins/", include("rapport.checkins.urls")),
    path("kudos/", include("rapport.kudos.urls")),
    path("feed/", include("rapport.feed.urls")),
    path("help/", include("rapport.helpboard.urls")),
    path("guides/", include("rapport.guides.urls")),
    path("commitments/", include("rapport.commitments.urls")),
    path("roadblocks/", include("rapport.roadblocks.urls")),
    path("tone/", include("rapport.tone.urls")),
    path("pairing/", include("rapport.pairing.urls")),
    path("care/", include("rapport.care.urls")),
    path("accounts/", include("rapport.accounts.urls")),
    # Sign-in emails belong to the roster and invitations; allauth's page to add and switch
    # addresses would let a person take over another address, so it is not offered.
    path("accounts/email/", web_views.not_found, name="email_managed_by_roster"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler404 = "rapport.web.views.not_found"
handler403 = "rapport.web.views.forbidden"
handler500 = "rapport.web.views.server_error"
