"""The roster import through the API: the same all-or-nothing rules as the page."""

import pytest

from rapport.people.models import Person

from . import bearer, send

pytestmark = pytest.mark.django_db

CSV = "email,name,team\nnina@acme.example,Nina New,Platform\n"


def test_an_org_admin_imports_a_roster(client, admin):
    response = send(client, "POST", "/roster", {"csv": CSV}, headers=bearer(admin))
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1 and response.json()["applied"] is True
    assert Person.objects.filter(
        user__email="nina@acme.example", organization=admin.organization
    ).exists()


def test_a_dry_run_writes_nothing(client, admin):
    response = send(client, "POST", "/roster", {"csv": CSV, "dry_run": True}, headers=bearer(admin))
    assert response.json()["applied"] is False and response.json()["created"] == 1
    assert not Person.objects.filter(user__email="nina@acme.example").exists()


def test_bad_rows_come_back_with_their_lines_and_nothing_is_written(client, admin):
    csv = CSV + "not-an-email,Bad Row,\nnina@acme.example,Twice,\n"
    response = send(client, "POST", "/roster", {"csv": csv}, headers=bearer(admin))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_roster"
    assert {e["line"] for e in body["errors"]} == {3, 4}
    assert not Person.objects.filter(user__email="nina@acme.example").exists()


def test_members_cannot_import(client, member):
    response = send(client, "POST", "/roster", {"csv": CSV}, headers=bearer(member))
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Person.objects.filter(user__email="nina@acme.example").exists()


@pytest.mark.parametrize("body", [{}, {"csv": 5}, {"csv": CSV, "extra": 1}, "not json"])
def test_malformed_requests_are_refused_clearly(client, admin, body):
    response = send(client, "POST", "/roster", body, headers=bearer(admin))
    assert response.status_code in (400, 422)
    assert "code" in response.json()
