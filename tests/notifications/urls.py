"""Rapport's URLs plus the notifications app's, for tests that run before (or after) the
app is wired into rapport/urls.py and the API: whatever is already wired is used as is."""

from __future__ import annotations

from typing import Any

from django.urls import URLResolver, include, path
from ninja import NinjaAPI

from rapport import urls as root
from rapport.api import errors
from rapport.api.api import api as main_api
from rapport.api.auth import AUTH
from rapport.notifications.api import router

urlpatterns: list[Any] = []

if not any(mounted is router for _, mounted in main_api._routers):
    test_api = NinjaAPI(
        title="Notifications (tests)", urls_namespace="notifications_api", auth=AUTH
    )
    errors.install(test_api)
    test_api.add_router("", router)
    urlpatterns.append(path("api/v1/", test_api.urls))

if not any(
    isinstance(pattern, URLResolver) and pattern.namespace == "notifications"
    for pattern in root.urlpatterns
):
    urlpatterns.append(path("", include("rapport.notifications.urls")))

urlpatterns += root.urlpatterns

handler404 = root.handler404
handler403 = root.handler403
handler500 = root.handler500
