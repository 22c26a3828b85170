"""The kudos API at /api/v1/kudos."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.audit.models import AuditEvent
from rapport.kudos.models import Audience, Kudos, KudosReaction, KudosReply, KudosValue
from rapport.ledger.kinds import Kind
from tests.api import bearer, send
from tests.factories import InteractionFactory

from .factories import KudosFactory, KudosValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return Client()


def test_create_then_read_a_kudos(api, member, teammate, designer):
    value = KudosValueFactory(organization=member.organization, name="Help first")
    response = send(
        api,
        "POST",
        "/kudos",
        {
            "receivers": [teammate.pk, designer.pk],
            "message": "Thanks for pairing on the flaky test.",
            "value_id": value.pk,
            "audience": "organization",
        },
        headers=bearer(member),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["giver"] == {"id": member.pk, "display_name": "Mia Member"}
    assert {r["id"] for r in body["receivers"]} == {teammate.pk, designer.pk}
    assert body["value"] == {"id": value.pk, "name": "Help first", "retired": False}
    assert body["reply_count"] == 0
    assert [r["kind"] for r in body["reactions"]] == [
        "thanks",
        "celebrate",
        "love",
        "clap",
        "spark",
    ]
    read = send(api, "GET", f"/kudos/{body['id']}", headers=bearer(designer))
    assert read.status_code == 200
    assert read.json()["message"] == "Thanks for pairing on the flaky test."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"receivers": [], "message": "Hi"}, "receivers"),
        ({"receivers": ["SELF"], "message": "Me!"}, "receivers"),
        ({"receivers": ["MATE"], "message": "   "}, "message"),
        ({"receivers": ["MATE"], "message": "x" * 501}, "message"),
        ({"receivers": ["MATE"], "message": "Hi", "audience": "galaxy"}, "audience"),
        ({"receivers": ["OUTSIDER"], "message": "Hi"}, "receivers"),
        ({"receivers": ["MATE"], "message": "Hi", "value_id": "FOREIGN"}, "value"),
        ({"receivers": ["MATE"], "message": "Hi", "value_id": "RETIRED"}, "value"),
        ({"receivers": ["MATE"], "message": "Hi", "extra": 1}, "extra"),
    ],
)
def test_bad_kudos_are_refused_with_a_clear_422(api, member, teammate, outsider, body, field):
    from django.utils import timezone

    foreign = KudosValueFactory(organization=outsider.organization)
    retired = KudosValueFactory(organization=member.organization, retired_at=timezone.now())
    ids = {"SELF": member.pk, "MATE": teammate.pk, "OUTSIDER": outsider.pk}
    values = {"FOREIGN": foreign.pk, "RETIRED": retired.pk}
    body = {
        **body,
        "receivers": [ids[r] for r in body["receivers"]],
        **({"value_id": values[body["value_id"]]} if "value_id" in body else {}),
    }
    response = send(api, "POST", "/kudos", body, headers=bearer(member))
    assert response.status_code == 422, response.content
    payload = response.json()
    assert payload["code"] == "invalid"
    assert any(field in (e["field"] or "") for e in payload["errors"]), payload
    assert not Kudos.objects.exists()


def test_the_daily_limit_is_a_422_with_its_reason(api, member, teammate):
    from rapport.kudos.models import KudosSettings

    KudosSettings.objects.create(organization=member.organization, daily_limit=1)
    body = {"receivers": [teammate.pk], "message": "Thanks"}
    assert send(api, "POST", "/kudos", body, headers=bearer(member)).status_code == 201
    response = send(api, "POST", "/kudos", body, headers=bearer(member))
    assert response.status_code == 422
    assert "Save this one for tomorrow" in response.json()["detail"]


def test_the_feeds(api, member, teammate, designer, team, loner):
    for audience in Audience.values:
        KudosFactory(giver=loner, to=[teammate], audience=audience, message=audience)
    org = send(api, "GET", "/kudos/org", headers=bearer(member)).json()
    assert [k["message"] for k in org["items"]] == ["organization"]
    assert org["count"] == 1 and org["pages"] == 1
    team_feed = send(api, "GET", f"/kudos/teams/{team.pk}", headers=bearer(member)).json()
    assert sorted(k["message"] for k in team_feed["items"]) == ["organization", "team"]
    mine = send(api, "GET", "/kudos/mine?show=received", headers=bearer(teammate)).json()
    assert mine["count"] == 3
    assert send(api, "GET", "/kudos/mine?show=given", headers=bearer(teammate)).json()["count"] == 0
    assert send(api, "GET", "/kudos/mine?show=bogus", headers=bearer(teammate)).status_code == 422


def test_a_private_kudos_is_404_for_others(api, member, teammate, designer):
    kudos = KudosFactory(giver=member, to=[teammate], audience=Audience.PRIVATE)
    for method, path, body in [
        ("GET", f"/kudos/{kudos.pk}", None),
        ("POST", f"/kudos/{kudos.pk}/reactions", {"kind": "love"}),
        ("GET", f"/kudos/{kudos.pk}/replies", None),
        ("POST", f"/kudos/{kudos.pk}/replies", {"message": "Hi"}),
    ]:
        response = send(api, method, path, body, headers=bearer(designer))
        assert response.status_code == 404, path
    assert send(api, "GET", f"/kudos/{kudos.pk}", headers=bearer(teammate)).status_code == 200


def test_react_toggles_and_reply_posts(api, member, teammate):
    kudos = KudosFactory(giver=member, to=[teammate])
    headers = bearer(teammate)
    first = send(api, "POST", f"/kudos/{kudos.pk}/reactions", {"kind": "love"}, headers=headers)
    assert first.status_code == 200
    assert first.json()["on"] is True
    love = next(r for r in first.json()["reactions"] if r["kind"] == "love")
    assert love == {"kind": "love", "emoji": "💛", "count": 1, "mine": True}
    second = send(api, "POST", f"/kudos/{kudos.pk}/reactions", {"kind": "love"}, headers=headers)
    assert second.json()["on"] is False
    bad = send(api, "POST", f"/kudos/{kudos.pk}/reactions", {"kind": "meh"}, headers=headers)
    assert bad.status_code == 422
    assert not KudosReaction.objects.exists()
    reply = send(api, "POST", f"/kudos/{kudos.pk}/replies", {"message": "Cheers!"}, headers=headers)
    assert reply.status_code == 201
    assert reply.json()["author"]["id"] == teammate.pk
    empty = send(api, "POST", f"/kudos/{kudos.pk}/replies", {"message": ""}, headers=headers)
    assert empty.status_code == 422
    listed = send(api, "GET", f"/kudos/{kudos.pk}/replies", headers=bearer(member)).json()
    assert [r["message"] for r in listed["items"]] == ["Cheers!"]
    assert KudosReply.objects.count() == 1


def test_admins_manage_values_and_the_limit_through_the_api(api, admin, member):
    headers = bearer(admin)
    created = send(api, "POST", "/kudos/values", {"name": "Own it"}, headers=headers)
    assert created.status_code == 201
    value_id = created.json()["id"]
    duplicate = send(api, "POST", "/kudos/values", {"name": "own IT"}, headers=headers)
    assert duplicate.status_code == 422
    renamed = send(
        api, "PATCH", f"/kudos/values/{value_id}", {"name": "Own it together"}, headers=headers
    )
    assert renamed.json()["name"] == "Own it together"
    retired = send(api, "PATCH", f"/kudos/values/{value_id}", {"retired": True}, headers=headers)
    assert retired.json()["retired"] is True
    # Members see active values only, and can't change anything.
    assert send(api, "GET", "/kudos/values", headers=bearer(member)).json()["count"] == 0
    listed = send(api, "GET", "/kudos/values?include_retired=true", headers=headers).json()
    assert listed["count"] == 1
    member_headers = bearer(member)
    assert (
        send(api, "POST", "/kudos/values", {"name": "X"}, headers=member_headers).status_code == 403
    )
    assert (
        send(
            api, "PATCH", f"/kudos/values/{value_id}", {"retired": False}, headers=member_headers
        ).status_code
        == 403
    )
    assert (
        send(api, "PUT", "/kudos/settings", {"daily_limit": 2}, headers=member_headers).status_code
        == 403
    )
    updated = send(api, "PUT", "/kudos/settings", {"daily_limit": 4}, headers=headers)
    assert updated.json() == {"daily_limit": 4}
    assert send(api, "GET", "/kudos/settings", headers=member_headers).json() == {"daily_limit": 4}
    assert (
        send(api, "PUT", "/kudos/settings", {"daily_limit": 0}, headers=headers).status_code == 422
    )
    assert AuditEvent.objects.filter(action="kudos_values_changed").count() == 4
    assert KudosValue.objects.get().name == "Own it together"


def test_unsung_and_review_lists(api, member, teammate, designer, admin):
    InteractionFactory(actor=teammate, other=member, kind=Kind.HELPED)
    InteractionFactory(actor=designer, other=teammate, kind=Kind.HELPED)  # not a teammate
    unsung = send(api, "GET", "/kudos/unsung", headers=bearer(member)).json()
    assert unsung["items"] == [
        {
            "id": teammate.pk,
            "display_name": "Tomás Teammate",
            "reasons": ["Helped you recently"],
        }
    ]
    assert send(api, "GET", "/kudos/review", headers=bearer(member)).status_code == 403
    assert send(api, "GET", "/kudos/review", headers=bearer(admin)).json()["count"] == 0


def test_review_resolve_through_the_api(api, admin, org, member):
    from datetime import timedelta

    from django.utils import timezone

    from rapport.kudos import services
    from tests.factories import PersonFactory

    a = PersonFactory(organization=org, user__password=None)
    b = PersonFactory(organization=org, user__password=None)
    start = timezone.now() - timedelta(days=4)
    for day in range(3):
        when = start + timedelta(days=day)
        services.kudos_give(giver=a, receivers=[b], message="Thx", now=when)
        services.kudos_give(giver=b, receivers=[a], message="Thx!", now=when + timedelta(hours=1))
    flag = services.trading_pair_check(organization=org, a=a, b=b)
    listed = send(api, "GET", "/kudos/review", headers=bearer(admin)).json()
    assert listed["items"][0]["exchanges"] == 3
    path = f"/kudos/review/{flag.pk}/resolve"
    assert send(api, "POST", path, headers=bearer(member)).status_code == 404
    resolved = send(api, "POST", path, headers=bearer(admin))
    assert resolved.status_code == 200 and resolved.json()["reviewed_at"]
    assert send(api, "GET", "/kudos/review", headers=bearer(admin)).json()["count"] == 0


@pytest.mark.parametrize("path", ["/kudos/org", "/kudos/mine", "TEAM", "/kudos/unsung"])
def test_api_lists_use_a_constant_number_of_queries(api, path, member, teammate, designer, team):
    from tests.factories import MembershipFactory, PersonFactory

    headers = bearer(member)
    path = f"/kudos/teams/{team.pk}" if path == "TEAM" else path
    send(api, "GET", path, headers=headers)  # the token's first use is recorded once
    counts = []
    for n in (3, 25):
        for i in range(n):
            kudos = KudosFactory(
                giver=member, to=[teammate, designer], audience=list(Audience.values)[i % 3]
            )
            KudosReaction.objects.create(kudos=kudos, person=teammate, kind="spark")
            KudosReply.objects.create(kudos=kudos, author=teammate, message="x")
            person = PersonFactory(organization=member.organization, user__password=None)
            MembershipFactory(person=person, team=team)
            InteractionFactory(actor=person, other=member, kind=Kind.HELPED)
        with CaptureQueriesContext(connection) as captured:
            assert send(api, "GET", path, headers=headers).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
