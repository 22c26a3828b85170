"""Personal access tokens: the page and the /tokens endpoints."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from rapport.accounts.models import PersonalAccessToken
from rapport.accounts.tokens import token_create
from tests.conftest import client_for

from . import API, bearer, send

pytestmark = pytest.mark.django_db


def _create_on_page(client, name="calendar sync", expires_in="90"):
    response = client.post(reverse("accounts:tokens"), {"name": name, "expires_in": expires_in})
    assert response.status_code == 200
    token = PersonalAccessToken.objects.get(name=name)
    secret = response.context["new_secret"]
    return response, token, secret


def test_the_page_shows_a_new_secret_once_and_never_again(member_client):
    response, token, secret = _create_on_page(member_client)
    assert secret.startswith("rpt_")
    assert secret in response.content.decode()
    assert "only time it is shown" in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    again = member_client.get(reverse("accounts:tokens")).content.decode()
    assert secret not in again
    assert token.prefix in again  # still recognisable in the list
    assert "calendar sync" in again


def test_the_secret_is_stored_only_as_a_hash(member_client):
    _, token, secret = _create_on_page(member_client)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {PersonalAccessToken._meta.db_table} WHERE id = %s", [token.pk]
        )
        row = cursor.fetchone()
    assert not any(secret in str(value) for value in row)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) < 12


def test_a_token_made_on_the_page_works_with_the_api(client, member_client, member):
    _, _, secret = _create_on_page(member_client)
    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json()["id"] == member.pk


def test_expiry_choices_on_the_page(member_client):
    _, never, _ = _create_on_page(member_client, name="forever", expires_in="never")
    _, month, _ = _create_on_page(member_client, name="a month", expires_in="30")
    assert never.expires_at is None
    assert month.expires_at - month.created_at == pytest.approx(
        timedelta(days=30), abs=timedelta(seconds=5)
    )


@pytest.mark.parametrize(
    "data", [{"name": "   ", "expires_in": "90"}, {"name": "x", "expires_in": "12"}, {}]
)
def test_the_page_rejects_bad_input_and_creates_nothing(member_client, data):
    response = member_client.post(reverse("accounts:tokens"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["new_secret"] is None
    assert not PersonalAccessToken.objects.exists()


def test_revoking_on_the_page_stops_the_token(client, member_client):
    _, token, secret = _create_on_page(member_client)
    response = member_client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    html = member_client.get(reverse("accounts:tokens")).content.decode()
    assert "revoked; it no longer works" in html
    assert reverse("accounts:token_revoke", args=[token.pk]) not in html  # gone from the list


def test_revoking_on_the_page_is_post_only(member_client, member):
    token, _ = token_create(user=member.user, name="keep")
    response = member_client.get(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nobody_can_revoke_someone_elses_token_on_the_page(member, lead, outsider):
    token, _ = token_create(user=member.user, name="mine")
    for other in (lead, outsider):
        response = client_for(other).post(reverse("accounts:token_revoke", args=[token.pk]))
        assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_lists_only_my_tokens(member_client, member, lead):
    token_create(user=member.user, name="mine")
    token_create(user=lead.user, name="theirs")
    html = member_client.get(reverse("accounts:tokens")).content.decode()
    assert "mine" in html and "theirs" not in html


def test_the_page_needs_a_signed_in_person(client):
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_shows_times_in_my_time_zone(member_client, member):
    member.time_zone = "Asia/Tokyo"  # UTC+9, no DST
    member.save(update_fields=["time_zone"])
    token, _ = token_create(user=member.user, name="tokyo")
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        last_used_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    )
    html = member_client.get(reverse("accounts:tokens")).content.decode()
    assert "2 Mar 2026, 08:30" in html


def test_the_token_list_page_has_constant_queries(
    member_client, member, django_assert_max_num_queries
):
    for i in range(30):
        token_create(user=member.user, name=f"t{i}")
    with django_assert_max_num_queries(8):
        assert member_client.get(reverse("accounts:tokens")).status_code == 200


# --- /tokens --------------------------------------------------------------------------------


def test_the_api_creates_a_token_and_shows_the_secret_only_then(client, member):
    headers = bearer(member, name="bootstrap")
    response = send(
        client, "POST", "/tokens", {"name": "ci", "expires_in_days": 7}, headers=headers
    )
    assert response.status_code == 201
    body = response.json()
    secret = body["secret"]
    assert body["token"]["name"] == "ci"
    assert secret.startswith(body["token"]["prefix"])
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200

    listed = client.get(f"{API}/tokens", headers=headers)
    assert secret not in listed.content.decode()
    assert [t["name"] for t in listed.json()["items"]] == ["ci", "bootstrap"]
    assert set(listed.json()["items"][0]) == {
        "id", "name", "prefix", "created_at", "last_used_at", "expires_at", "expired"
    }  # fmt: skip


def test_a_token_can_be_made_to_never_expire(client, member):
    response = send(
        client, "POST", "/tokens", {"name": "cron", "expires_in_days": None}, headers=bearer(member)
    )
    assert response.json()["token"]["expires_at"] is None


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 81},
        {"name": 5},
        {"name": "ok", "expires_in_days": 0},
        {"name": "ok", "expires_in_days": 100000},
        {"name": "ok", "expires_in_days": "soon"},
        {"name": "ok", "scopes": ["all"]},
        {"name": "nul\x00"},
    ],
)
def test_the_api_rejects_bad_token_requests(client, member, body):
    headers = bearer(member)
    response = send(client, "POST", "/tokens", body, headers=headers)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]
    assert PersonalAccessToken.objects.count() == 1


def test_deleting_a_token_revokes_it(client, member):
    token, secret = token_create(user=member.user, name="old")
    headers = bearer(member)
    response = send(client, "DELETE", f"/tokens/{token.pk}", headers=headers)
    assert response.status_code == 204
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "old" not in client.get(f"{API}/tokens", headers=headers).content.decode()
    # Revoking again is harmless.
    assert send(client, "DELETE", f"/tokens/{token.pk}", headers=headers).status_code == 204


def test_a_token_can_revoke_itself(client, member):
    token, secret = token_create(user=member.user, name="self")
    headers = {"Authorization": f"Bearer {secret}"}
    assert send(client, "DELETE", f"/tokens/{token.pk}", headers=headers).status_code == 204
    assert client.get(f"{API}/me", headers=headers).status_code == 401


@pytest.mark.parametrize("who", ["lead", "outsider"])
def test_nobody_can_delete_someone_elses_token(client, member, request, who):
    token, _ = token_create(user=member.user, name="mine")
    response = send(
        client, "DELETE", f"/tokens/{token.pk}", headers=bearer(request.getfixturevalue(who))
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("token_id", ["0", "abc", "99999999999999999999", "123456"])
def test_deleting_a_token_that_is_not_there(client, member, token_id):
    response = send(client, "DELETE", f"/tokens/{token_id}", headers=bearer(member))
    assert response.status_code in (404, 422)
    assert response.json()["code"] in ("not_found", "invalid")
