"""Errors are JSON with a stable code, for anything a caller can send; and the docs."""

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.test import Client

from rapport.api.api import api, operations

from . import API, bearer, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_member(client, member):
    client.defaults["HTTP_AUTHORIZATION"] = bearer(member)["Authorization"]
    return client


def test_an_unknown_address_under_the_api_is_a_json_404(as_member, client):
    for path in ("/nope", "/me/", "/people/1/extra", "/"):
        response = as_member.get(API + path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_an_unsupported_method_is_a_json_405(as_member):
    for method, path in [("POST", "/me"), ("DELETE", "/people"), ("PUT", "/tokens")]:
        response = send(as_member, method, path, {})
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"
        assert response["Allow"]


@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize(
    "raw", ["", "{", '{"name": }', "[1, 2]", "42", "null", '"text"', "\xff\xfe", "a=b&c=d"]
)
def test_bodies_that_are_not_json_objects_are_4xx_json(as_member, method, raw):
    path = "/tokens" if method == "POST" else "/me"
    response = send(as_member, method, path, raw)
    assert response.status_code in (400, 422), response.content
    assert response.json()["code"] in ("bad_request", "invalid")


def test_validation_errors_name_each_field(as_member):
    response = send(as_member, "PATCH", "/me", {"display_name": 1, "working_days": ["x"]})
    body = response.json()
    assert response.status_code == 422
    assert body["code"] == "invalid"
    assert {(e["field"], e["in"]) for e in body["errors"]} == {
        ("display_name", "body"),
        ("working_days.0", "body"),
    }
    assert all(e["message"] and e["code"] for e in body["errors"])


def test_django_exceptions_from_services_become_json(as_member, monkeypatch):
    def refuse(**kwargs):
        raise PermissionDenied("Only org admins can do this.")

    monkeypatch.setattr("rapport.people.api.person_update_profile", refuse)
    response = send(as_member, "PATCH", "/me", {"title": "x"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Only org admins can do this.", "code": "forbidden"}


def test_an_unexpected_failure_is_a_json_500(member, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("rapport.people.api.person_update_profile", explode)
    client = Client(raise_request_exception=False)
    response = send(client, "PATCH", "/me", {"title": "x"}, headers=bearer(member))
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side.",
        "code": "server_error",
    }


def test_every_operation_has_a_unique_id_and_url_name():
    ids = [operation.operation_id for operation in operations()]
    assert len(ids) == len(set(ids)) >= 11
    patterns, _, namespace = api.urls
    # Ninja adds one URL pattern per operation; those of one path share its name.
    names_by_route: dict[str, set[str]] = {}
    for pattern in patterns:
        names_by_route.setdefault(str(pattern.pattern), set()).add(pattern.name)
    assert all(len(names) == 1 and None not in names for names in names_by_route.values())
    names = [name for names in names_by_route.values() for name in names]
    assert len(names) == len(set(names))
    assert namespace == "api"


def test_the_openapi_schema_is_public_json(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Rapport API"
    # Employees: a token or a session; Care's therapists and practice admins (no organisation)
    # the same two ways, on their own operations.
    assert set(schema["components"]["securitySchemes"]) == {
        "BearerTokenAuth",
        "SessionAuth",
        "StaffBearer",
        "StaffSession",
    }


def test_the_docs_use_ninjas_bundled_swagger_ui(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert f"{API}/openapi.json" in html
    assert finders.find("ninja/swagger-ui-bundle.js")  # so collectstatic ships it


def test_without_ninja_installed_the_docs_refuse_rather_than_use_a_cdn(client, settings):
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "ninja"]
    response = client.get(f"{API}/docs")
    assert b"cdn." not in response.content
    assert response.status_code == 503
    assert response.json()["code"] == "docs_unavailable"
