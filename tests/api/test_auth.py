"""Who may call the API: personal access tokens, sessions (with CSRF), and nobody else."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.accounts.models import PersonalAccessToken
from rapport.accounts.tokens import token_create, token_revoke
from rapport.api.api import operations
from tests.conftest import client_for
from tests.factories import PersonFactory

from . import API, bearer, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(member, team, lead):
    """One valid call per operation of this brief: {operation_id: (method, path, body, status)}."""
    spare, _ = token_create(user=member.user, name="to revoke")
    return {
        "me_read": ("GET", "/me", None, 200),
        "me_update": ("PATCH", "/me", {"title": "Engineer"}, 200),
        "people_list": ("GET", "/people", None, 200),
        "people_read": ("GET", f"/people/{lead.pk}", None, 200),
        "teams_list": ("GET", "/teams", None, 200),
        "teams_read": ("GET", f"/teams/{team.pk}", None, 200),
        "team_members_list": ("GET", f"/teams/{team.pk}/members", None, 200),
        "my_ties_list": ("GET", "/me/ties", None, 200),
        "tokens_list": ("GET", "/tokens", None, 200),
        "tokens_create": ("POST", "/tokens", {"name": "ci"}, 201),
        "tokens_revoke": ("DELETE", f"/tokens/{spare.pk}", None, 204),
    }


def test_the_calls_are_real_operations(calls):
    # Other apps' routers bring their own operations and their own tests.
    assert set(calls) <= {operation.operation_id for operation in operations()}


def test_every_operation_works_with_a_bearer_token(client, member, calls):
    headers = bearer(member)
    for operation_id, (method, path, body, status) in calls.items():
        response = send(client, method, path, body, headers=headers)
        assert response.status_code == status, (operation_id, response.content)


def test_every_operation_works_with_a_session(member, calls):
    client = client_for(member)  # Django's test client skips CSRF; see the CSRF tests
    for operation_id, (method, path, body, status) in calls.items():
        response = send(client, method, path, body)
        assert response.status_code == status, (operation_id, response.content)


def test_every_operation_refuses_anonymous_callers(client, calls):
    for operation_id, (method, path, body, _) in calls.items():
        response = send(client, method, path, body)
        assert response.status_code == 401, operation_id
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.fixture
def csrf_client(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member.user)
    client.get(reverse("accounts:tokens"))  # a page with a form sets the CSRF cookie
    return client


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("PATCH", "/me", {"title": "Hacked"}), ("POST", "/tokens", {"name": "evil"})],
)
def test_session_writes_without_the_csrf_token_are_refused(csrf_client, member, method, path, body):
    response = send(csrf_client, method, path, body)
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    member.refresh_from_db()
    assert member.title == ""
    assert not PersonalAccessToken.objects.filter(name="evil").exists()


def test_a_session_delete_without_the_csrf_token_is_refused(csrf_client, member):
    token, _ = token_create(user=member.user, name="keep")
    response = send(csrf_client, "DELETE", f"/tokens/{token.pk}")
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_session_writes_with_the_csrf_token_work(csrf_client, member):
    csrf = {"X-CSRFToken": csrf_client.cookies["csrftoken"].value}
    response = send(csrf_client, "PATCH", "/me", {"title": "Engineer"}, headers=csrf)
    assert response.status_code == 200
    token, _ = token_create(user=member.user, name="old")
    assert send(csrf_client, "DELETE", f"/tokens/{token.pk}", headers=csrf).status_code == 204


def test_session_reads_need_no_csrf_token(csrf_client):
    assert send(csrf_client, "GET", "/me").status_code == 200


def test_bearer_writes_need_no_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    response = send(client, "PATCH", "/me", {"title": "Engineer"}, headers=bearer(member))
    assert response.status_code == 200


def test_an_anonymous_write_is_401_not_a_csrf_failure():
    response = send(Client(enforce_csrf_checks=True), "PATCH", "/me", {"title": "x"})
    assert response.status_code == 401


def _expired_token(member):
    token, secret = token_create(
        user=member.user, name="short", expires_at=timezone.now() + timedelta(days=1)
    )
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - timedelta(days=3), expires_at=timezone.now() - timedelta(days=1)
    )
    return secret


def _revoked_token(member):
    token, secret = token_create(user=member.user, name="gone")
    token_revoke(token=token)
    return secret


def _deactivated_users_token(member):
    _, secret = token_create(user=member.user, name="left")
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    return secret


@pytest.mark.parametrize(
    "make_secret",
    [
        _expired_token,
        _revoked_token,
        _deactivated_users_token,
        lambda member: "rpt_" + "x" * 43,  # unknown
        lambda member: "not-even-our-format",
        lambda member: "",
        lambda member: "rpt_" + "x" * 5000,
    ],
    ids=["expired", "revoked", "deactivated-user", "unknown", "foreign", "empty", "huge"],
)
def test_unusable_tokens_get_401(client, member, make_secret):
    secret = make_secret(member)
    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_not_rescued_by_a_session_cookie(member):
    client = client_for(member)
    response = client.get(f"{API}/me", headers={"Authorization": "Bearer rpt_wrong"})
    assert response.status_code == 401


def test_a_token_expires_when_its_time_comes(client, member):
    _, secret = token_create(
        user=member.user, name="week", expires_at=timezone.now() + timedelta(days=7)
    )
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        assert client.get(f"{API}/me", headers=headers).status_code == 401


def test_a_token_acts_as_its_owner(client, member, lead):
    response = client.get(f"{API}/me", headers=bearer(lead))
    assert response.json()["id"] == lead.pk


def test_a_user_without_a_person_gets_403_no_organization(client, django_user_model):
    user = django_user_model.objects.create_user("lost@example.com", "pw-long-enough-1")
    _, secret = token_create(user=user, name="orphan")
    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert response.json()["code"] == "no_organization"
    client.force_login(user)
    response = client.get(f"{API}/people")
    assert response.status_code == 403
    assert response.json()["code"] == "no_organization"


def test_last_used_is_written_at_most_once_a_minute(client, member, django_assert_num_queries):
    token, secret = token_create(user=member.user, name="busy")
    headers = {"Authorization": f"Bearer {secret}"}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(f"{API}/me", headers=headers)
        token.refresh_from_db()
        assert token.last_used_at == start
        # the token (with its user and person) and my teams; no write
        with django_assert_num_queries(2):
            client.get(f"{API}/me", headers=headers)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get(f"{API}/me", headers=headers)
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        client.get(f"{API}/me", headers=headers)
        token.refresh_from_db()
        assert token.last_used_at == start + timedelta(minutes=2)


def test_a_person_of_another_organisation_sees_only_their_own(client, member, outsider):
    response = client.get(f"{API}/people", headers=bearer(outsider))
    names = [p["display_name"] for p in response.json()["items"]]
    assert names == [outsider.display_name]


def test_people_who_left_can_still_use_their_tokens_like_their_session(client, org):
    # The API has exactly the pages' permissions; pages don't lock out people who left
    # (deactivating the user does, see test_unusable_tokens_get_401).
    person = PersonFactory(organization=org, status="left")
    assert client.get(f"{API}/me", headers=bearer(person)).status_code == 200
