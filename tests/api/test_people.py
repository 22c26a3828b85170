"""The people API: my profile, the directory, teams and members."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.people.models import Membership, Person
from tests.factories import MembershipFactory, TeamFactory

from . import API, bearer, colleague, send

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {
    "id", "display_name", "title", "email", "location", "time_zone", "status", "manager_id", "teams"
}  # fmt: skip


@pytest.fixture
def as_member(client, member):
    client.defaults.update({"HTTP_AUTHORIZATION": bearer(member)["Authorization"]})
    return client


# --- /me ------------------------------------------------------------------------------------


def test_me_shows_my_whole_profile(as_member, member, team):
    body = as_member.get(f"{API}/me").json()
    assert body["id"] == member.pk
    assert body["email"] == member.user.email
    assert body["organization"]["name"] == "Acme"
    assert body["teams"] == [{"id": team.pk, "name": "Platform", "role": "member"}]
    assert body["working_days"] == [1, 2, 3, 4, 5]
    assert body["work_start"] == "09:00:00"
    assert body["is_org_admin"] is False


def test_patching_me_changes_only_what_was_sent(as_member, member):
    response = send(
        as_member,
        "PATCH",
        "/me",
        {"title": " Staff engineer ", "time_zone": "America/New_York", "working_days": [4, 1, 2]},
    )
    assert response.status_code == 200, response.content
    member.refresh_from_db()
    assert member.title == "Staff engineer"
    assert member.time_zone == "America/New_York"
    assert member.working_days == "124"
    assert member.display_name == "Mia Member"  # not sent, kept
    assert response.json()["working_days"] == [1, 2, 4]


def test_patching_me_with_nothing_changes_nothing(as_member, member):
    response = send(as_member, "PATCH", "/me", {})
    assert response.status_code == 200
    assert response.json()["display_name"] == "Mia Member"


def test_a_bad_time_zone_is_explained_and_changes_nothing(as_member, member):
    response = send(as_member, "PATCH", "/me", {"time_zone": "Mars/Olympus", "title": "Boss"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == [
        {
            "field": "time_zone",
            "in": "body",
            "message": "Mars/Olympus is not a time zone we know; use a name like Europe/Berlin.",
            "code": "bad_time_zone",
        }
    ]
    assert "Mars/Olympus is not a time zone we know" in body["detail"]
    member.refresh_from_db()
    assert (member.time_zone, member.title) == ("Europe/London", "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"work_start": "18:00"}, "work_end"),  # ends before it starts
        ({"work_start": "nine"}, "work_start"),
        ({"work_start": "09:00+02:00"}, "work_start"),
        ({"working_days": [0, 1]}, "working_days"),
        ({"working_days": [1, 1]}, "working_days"),
        ({"working_days": []}, "working_days"),
        ({"working_days": "12345"}, "working_days"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 121}, "display_name"),
        ({"display_name": None}, "display_name"),
        ({"display_name": ["Mia"]}, "display_name"),
        ({"location": "Berlin\x00"}, "location"),
        ({"location": "\ud800"}, "location"),
        ({"timezone": "Europe/Paris"}, "timezone"),  # a typo is not silently ignored
        ({"is_org_admin": True}, "is_org_admin"),  # nor is a field you may not change
    ],
)
def test_bad_profile_changes_are_422_and_change_nothing(as_member, member, body, field):
    before = Person.objects.values().get(pk=member.pk)
    response = send(as_member, "PATCH", "/me", body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert Person.objects.values().get(pk=member.pk) == before


@pytest.mark.parametrize("raw", ["", "{", "[]", "null", '"title"', "title=x"])
def test_a_body_that_is_not_a_json_object_is_refused(as_member, raw):
    response = send(as_member, "PATCH", "/me", raw)
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("bad_request", "invalid")


def test_work_hours_can_be_changed_together(as_member, member):
    response = send(as_member, "PATCH", "/me", {"work_start": "07:30", "work_end": "15:00"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.work_start, member.work_end) == (time(7, 30), time(15, 0))


# --- /people --------------------------------------------------------------------------------


def test_the_directory_shows_colleagues_public_fields_only(as_member, member, lead, team):
    lead.manager = member
    lead.save(update_fields=["manager"])
    body = as_member.get(f"{API}/people").json()
    assert body["count"] == 2 and body["page"] == 1 and body["pages"] == 1
    by_name = {p["display_name"]: p for p in body["items"]}
    assert set(by_name["Lee Lead"]) == PUBLIC_FIELDS
    assert by_name["Lee Lead"]["manager_id"] == member.pk
    assert by_name["Lee Lead"]["teams"] == [{"id": team.pk, "name": "Platform", "role": "lead"}]


def test_the_directory_leaves_out_people_who_left_and_other_organisations(as_member, org, outsider):
    colleague(org, display_name="Gone Person", status=Person.Status.LEFT)
    colleague(org, display_name="On Leave", status=Person.Status.ON_LEAVE)
    names = [p["display_name"] for p in as_member.get(f"{API}/people").json()["items"]]
    assert names == ["Mia Member", "On Leave"]


def test_the_directory_searches(as_member, org):
    colleague(org, display_name="Sam Search", title="Designer")
    body = as_member.get(f"{API}/people", {"q": "design"}).json()
    assert [p["display_name"] for p in body["items"]] == ["Sam Search"]
    assert as_member.get(f"{API}/people", {"q": "nobody"}).json() == {
        "items": [], "count": 0, "page": 1, "pages": 1
    }  # fmt: skip


def test_the_directory_paginates(as_member, org, member):
    for i in range(11):
        colleague(org, display_name=f"P{i:02d}")
    first = as_member.get(f"{API}/people", {"page_size": 5}).json()
    assert (first["count"], first["page"], first["pages"]) == (12, 1, 3)
    assert len(first["items"]) == 5
    seen = []
    for page in (1, 2, 3):
        items = as_member.get(f"{API}/people", {"page_size": 5, "page": page}).json()["items"]
        seen += [p["id"] for p in items]
    assert len(seen) == len(set(seen)) == 12
    past = as_member.get(f"{API}/people", {"page_size": 5, "page": 4}).json()
    assert past == {"items": [], "count": 12, "page": 4, "pages": 3}


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"page_size": "101"},
        {"page_size": "0"},
        {"page_size": "1.5"},
        {"q": "x" * 101},
        {"q": "a\x00b"},
    ],
)
def test_bad_list_parameters_are_422(as_member, params):
    for path in ("/people", "/teams"):
        response = as_member.get(f"{API}{path}", params)
        assert response.status_code == 422, (path, response.content)
        body = response.json()
        assert body["code"] == "invalid"
        assert body["errors"][0]["in"] == "query"
        assert body["errors"][0]["field"] in params


def test_a_colleague_by_id(as_member, lead, team):
    body = as_member.get(f"{API}/people/{lead.pk}").json()
    assert set(body) == PUBLIC_FIELDS
    assert body["teams"] == [{"id": team.pk, "name": "Platform", "role": "lead"}]


def test_another_organisations_ids_are_404(as_member, outsider, other_org):
    other_team = TeamFactory(organization=other_org)
    for path in (
        f"/people/{outsider.pk}",
        f"/teams/{other_team.pk}",
        f"/teams/{other_team.pk}/members",
        "/people/123456",
        "/teams/123456",
    ):
        response = as_member.get(f"{API}{path}")
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "99999999999999999999"])
def test_malformed_ids_are_422_not_500(as_member, bad_id):
    for path in (f"/people/{bad_id}", f"/teams/{bad_id}", f"/teams/{bad_id}/members"):
        response = as_member.get(f"{API}{path}")
        assert response.status_code in (404, 422), path
        assert response.json()["code"] in ("invalid", "not_found")


# --- /teams ---------------------------------------------------------------------------------


def test_teams_list_with_member_counts(as_member, org, team, lead, outsider, other_org):
    TeamFactory(organization=other_org, name="Elsewhere")
    child = TeamFactory(organization=org, name="Api", parent=team)
    colleague(org, status=Person.Status.LEFT)
    MembershipFactory(person=colleague(org, status="left"), team=team)
    body = as_member.get(f"{API}/teams").json()
    assert body["count"] == 2
    assert body["items"] == [
        {"id": child.pk, "name": "Api", "description": "", "parent_id": team.pk, "member_count": 0},
        {
            "id": team.pk,
            "name": "Platform",
            "description": "",
            "parent_id": None,
            "member_count": 2,
        },
    ]
    assert [t["name"] for t in as_member.get(f"{API}/teams", {"q": "plat"}).json()["items"]] == [
        "Platform"
    ]


def test_a_team_by_id(as_member, team, lead):
    body = as_member.get(f"{API}/teams/{team.pk}").json()
    assert body == {
        "id": team.pk, "name": "Platform", "description": "", "parent_id": None, "member_count": 2,
        "connected_percent": None,  # two people: under the anonymity threshold
    }  # fmt: skip


def test_team_members_leads_first_without_people_who_left(as_member, org, team, member, lead):
    MembershipFactory(person=colleague(org, status="left"), team=team)
    body = as_member.get(f"{API}/teams/{team.pk}/members").json()
    assert body["count"] == 2
    assert [(m["role"], m["person"]["id"]) for m in body["items"]] == [
        ("lead", lead.pk),
        ("member", member.pk),
    ]
    assert set(body["items"][0]["person"]) == PUBLIC_FIELDS


# --- query counts ---------------------------------------------------------------------------


def _grow(org, team, n):
    """n more people, each in `team` and in a team of their own."""
    for _ in range(n):
        person = colleague(org)
        MembershipFactory(person=person, team=team)
        MembershipFactory(person=person, team=TeamFactory(organization=org))
        Membership.objects.filter(person=person, team=team).update(role="lead")


@pytest.mark.parametrize(
    "path", ["/people", "/people?q=person", "/teams", "/teams/{team}/members", "/me"]
)
def test_lists_take_the_same_queries_for_3_or_30_people(
    as_member, org, team, path, django_assert_num_queries, django_assert_max_num_queries
):
    url = API + path.format(team=team.pk)
    as_member.get(url)  # the token's first use writes last_used_at; measure later requests
    _grow(org, team, 3)
    with CaptureQueriesContext(connection) as few:
        response = as_member.get(url, {"page_size": 100})
    assert response.status_code == 200
    _grow(org, team, 27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = as_member.get(url, {"page_size": 100})
    assert response.status_code == 200
    with django_assert_max_num_queries(5):  # auth, count, page, prefetch (+ team)
        as_member.get(url, {"page_size": 100})


def test_a_teams_connection_figure_comes_through_the_privacy_gate(client, member, team):
    headers = bearer(member)
    small = send(client, "GET", f"/teams/{team.pk}", headers=headers).json()
    assert small["connected_percent"] is None  # one member: nothing may be said
    for _ in range(6):
        MembershipFactory(team=team, person=colleague(team.organization))
    large = send(client, "GET", f"/teams/{team.pk}", headers=headers).json()
    assert large["connected_percent"] == 0  # nobody has strong ties yet
