"""The JSON API at /api/v1: one NinjaAPI, one Router per app.

Every operation needs a caller (a personal access token or a signed-in session, see
`rapport.api.auth`), has a unique operation_id and a URL name, and answers errors as JSON
(`rapport.api.errors`). The OpenAPI schema is at /api/v1/openapi.json and interactive docs at
/api/v1/docs. `operations()` lists every operation, for tests that must cover them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from ninja import NinjaAPI, Swagger

from rapport.audit.api import router as audit_router
from rapport.care.api import router as care_router
from rapport.checkins.api import router as checkins_router
from rapport.commitments.api import router as commitments_router
from rapport.feed.api import router as feed_router
from rapport.guides.api import router as guides_router
from rapport.helpboard.api import router as helpboard_router
from rapport.kudos.api import router as kudos_router
from rapport.ledger.api import router as ledger_router
from rapport.notifications.api import router as notifications_router
from rapport.pairing.api import router as pairing_router
from rapport.people.api import router as people_router
from rapport.roadblocks.api import router as roadblocks_router
from rapport.tone.api import router as tone_router

from . import errors
from .auth import AUTH
from .auth import router as tokens_router

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


class BundledSwagger(Swagger):
    """Swagger UI from the JavaScript and CSS that ship inside django-ninja, never a CDN.

    Ninja uses its bundled files only when "ninja" is in INSTALLED_APPS (that is what puts
    them into collectstatic) and otherwise falls back to a CDN; refuse the fallback rather
    than make browsers fetch third-party code for our docs.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        if not apps.is_installed("ninja"):
            return errors.error_response(
                503,
                "The API docs need 'ninja' in INSTALLED_APPS; /api/v1/openapi.json works.",
                "docs_unavailable",
            )
        return super().render_page(request, api, **kwargs)


class RapportAPI(NinjaAPI):
    """A NinjaAPI whose every answer is JSON, including 404s and 405s outside operations."""

    @property
    def urls(self) -> tuple[list[Any], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if not isinstance(pattern, URLPattern):
                continue
            if pattern.name == "api-root":
                # Ninja's root view only exists to be reversed; it raises an HTML 404.
                pattern.callback = errors.not_found_view
            else:
                pattern.callback = errors.json_method_not_allowed(pattern.callback)
        # Last, so it only catches addresses no operation matched.
        patterns.append(re_path(r"^", errors.not_found_view, name="not_found"))
        return patterns, app_name, namespace


api = RapportAPI(
    title="Rapport API",
    version="1",
    description=(
        "Authenticate with a personal access token (`Authorization: Bearer rpt_…`, made at "
        "/accounts/tokens/) or a signed-in browser session (unsafe methods need the CSRF "
        'token). Errors are `{"detail": …, "code": …}`; lists are '
        '`{"items", "count", "page", "pages"}` with `?page=` and `?page_size=` (max 100).'
    ),
    urls_namespace="api",
    docs=BundledSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=AUTH,
)
errors.install(api)
api.add_router("", people_router)
api.add_router("", ledger_router)
api.add_router("", tokens_router)
api.add_router("", audit_router)
api.add_router("", notifications_router)
api.add_router("", checkins_router)
api.add_router("", kudos_router)
api.add_router("", feed_router)
api.add_router("", helpboard_router)
api.add_router("", guides_router)
api.add_router("", commitments_router)
api.add_router("", roadblocks_router)
api.add_router("", tone_router)
api.add_router("", pairing_router)
api.add_router("", care_router)


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # as in the schema, e.g. /api/v1/people/{person_id}
    operation_id: str


def operations() -> list[Operation]:
    """Every operation the API serves, from its OpenAPI schema."""
    schema = api.get_openapi_schema()
    return [
        Operation(method.upper(), path, spec["operationId"])
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
        if method in HTTP_METHODS
    ]


__all__ = ["api", "operations"]
