"""The pairing API: the same features as the pages, with JSON errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.ledger.models import Interaction
from rapport.pairing import services
from rapport.pairing.models import Buddy, DontPair, GroupMember, Program, Round
from tests.api import bearer, send
from tests.factories import TeamFactory

from .factories import colleague, small_org
from .test_services import settings

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_programme_and_starts_a_round(org, admin):
    small_org(org)
    client, headers = Client(), bearer(admin)
    response = send(
        client,
        "POST",
        "/pairing/programs",
        {"name": "Coffee", "group_size": 3, "time_zone": "Europe/Berlin", "team_mode": "cross"},
        headers=headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["group_size"] == 3 and body["can_manage"] and body["me"]["taking_part"]
    program_id = body["id"]
    started = send(client, "POST", f"/pairing/programs/{program_id}/rounds", headers=headers)
    assert started.status_code == 201 and started.json()["groups"] >= 3
    again = send(client, "POST", f"/pairing/programs/{program_id}/rounds", headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "already_held"
    rounds = send(client, "GET", f"/pairing/programs/{program_id}/rounds", headers=headers).json()
    assert rounds["count"] == 1


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": "X", "group_size": 5}, "group_size"),
        ({"name": "X", "group_size": 1}, "group_size"),
        ({"name": "X", "time_zone": "Nowhere/Land"}, "time_zone"),
        ({"name": ""}, "name"),
        ({"name": "X", "pool": "teams"}, "teams"),
        ({"name": "X", "surprise": 1}, "surprise"),
    ],
)
def test_bad_programmes_are_refused_clearly(admin, body, field):
    response = send(Client(), "POST", "/pairing/programs", body, headers=bearer(admin))
    assert response.status_code == 422, response.json()
    assert field in str(response.json())
    assert not Program.objects.exists()


def test_a_pool_of_another_organisations_team_is_refused(admin, other_org):
    theirs = TeamFactory(organization=other_org)
    response = send(
        Client(),
        "POST",
        "/pairing/programs",
        {"name": "X", "pool": "teams", "team_ids": [theirs.pk]},
        headers=bearer(admin),
    )
    assert response.status_code == 422
    assert "own organisation" in response.json()["detail"]


def test_leads_are_limited_to_their_teams_and_members_to_nothing(org, team, lead, member):
    client = Client()
    response = send(client, "POST", "/pairing/programs", {"name": "All"}, headers=bearer(lead))
    assert response.status_code == 403 and "teams they lead" in response.json()["detail"]
    response = send(
        client,
        "POST",
        "/pairing/programs",
        {"name": "Ours", "pool": "teams", "team_ids": [team.pk]},
        headers=bearer(lead),
    )
    assert response.status_code == 201
    program_id = response.json()["id"]
    assert (
        send(
            client, "POST", "/pairing/programs", {"name": "Mine"}, headers=bearer(member)
        ).status_code
        == 403
    )
    denied = send(
        client, "PATCH", f"/pairing/programs/{program_id}", {"paused": True}, headers=bearer(member)
    )
    assert denied.status_code == 403
    paused = send(
        client, "PATCH", f"/pairing/programs/{program_id}", {"paused": True}, headers=bearer(lead)
    )
    assert paused.json()["paused"] is True and paused.json()["next_round_at"] is None
    nulls = send(
        client, "PATCH", f"/pairing/programs/{program_id}", {"name": None}, headers=bearer(lead)
    )
    assert nulls.status_code == 422


def test_a_member_reads_their_group_answers_and_the_ledger_records_it(org, admin):
    people = small_org(org)
    program = services.program_create(actor=admin, settings=settings())
    made = services.round_run(program=program, on=date(2026, 6, 1))
    me = people[2]
    client, headers = Client(), bearer(me)
    groups = send(client, "GET", "/pairing/groups?current=true", headers=headers).json()
    assert groups["count"] == 1
    group = groups["items"][0]
    assert group["round_id"] == made.pk and group["introduction"].startswith("Say hello to")
    assert group["members"] and group["members"][0]["why"]
    assert group["suggested_times"] and group["suggested_times"][0]["local"].endswith(
        ("+01:00", "+00:00")
    )
    answered = send(
        client, "POST", f"/pairing/groups/{group['id']}/answer", {"answer": "met"}, headers=headers
    )
    assert answered.status_code == 200 and answered.json()["my_answer"] == "met"
    assert Interaction.objects.filter(kind="met").count() == len(group["members"])
    wrong = send(
        client,
        "POST",
        f"/pairing/groups/{group['id']}/answer",
        {"answer": "perhaps"},
        headers=headers,
    )
    assert wrong.status_code == 422
    back = send(
        client,
        "POST",
        f"/pairing/groups/{group['id']}/answer",
        {"answer": "not_met"},
        headers=headers,
    )
    assert back.status_code == 422 and "already told us" in back.json()["detail"]


def test_participation_and_the_private_dont_pair_list(org, admin, member, outsider):
    program = services.program_create(actor=admin, settings=settings())
    client, headers = Client(), bearer(member)
    url = f"/pairing/programs/{program.pk}/participation"
    snooze = (timezone.localdate() + timedelta(days=7)).isoformat()
    body = send(client, "PUT", url, {"snoozed_until": snooze}, headers=headers).json()
    assert body["snoozed_until"] == snooze and not body["taking_part"]
    body = send(client, "PUT", url, {"wake": True}, headers=headers).json()
    assert body["taking_part"]
    past = send(client, "PUT", url, {"snoozed_until": "2000-01-01"}, headers=headers)
    assert past.status_code == 422
    me_again = send(client, "POST", "/pairing/dont-pair", {"person_id": member.pk}, headers=headers)
    assert me_again.status_code == 422 and "yourself" in me_again.json()["detail"]
    stranger = send(
        client, "POST", "/pairing/dont-pair", {"person_id": outsider.pk}, headers=headers
    )
    assert stranger.status_code == 422
    added = send(client, "POST", "/pairing/dont-pair", {"person_id": admin.pk}, headers=headers)
    assert added.status_code == 201 and added.json()["display_name"] == admin.display_name
    assert send(client, "GET", "/pairing/dont-pair", headers=bearer(admin)).json()["count"] == 0
    entry = DontPair.objects.get()
    assert (
        send(client, "DELETE", f"/pairing/dont-pair/{entry.pk}", headers=bearer(admin)).status_code
        == 404
    )
    assert (
        send(client, "DELETE", f"/pairing/dont-pair/{entry.pk}", headers=headers).status_code == 204
    )


def test_meeting_rate_for_managers_through_the_gate(org, admin, member):
    small_org(org, teams=3, per_team=4)
    program = services.program_create(actor=admin, settings=settings())
    services.round_run(program=program, on=date(2026, 6, 1))
    client = Client()
    url = f"/pairing/programs/{program.pk}/meeting-rate"
    assert send(client, "GET", url, headers=bearer(member)).status_code == 403
    assert send(client, "GET", url, headers=bearer(admin)).json()["released"] is False
    services.follow_ups_send(now=timezone.now() + timedelta(days=6))
    body = send(client, "GET", url, headers=bearer(admin)).json()
    assert body["released"] is True and body["rounds"] == 1 and body["percent"] == 0


def test_buddies_through_the_api(org, admin, member):
    today = timezone.localdate()
    newcomer = colleague(org, start_date=today)
    pairing = services.buddy_assign(
        newcomer=newcomer, reason=Buddy.Reason.NEW_JOINER, started_on=today, buddy=member
    )
    client = Client()
    mine = send(client, "GET", "/pairing/buddies", headers=bearer(member)).json()
    assert mine["count"] == 1 and len(mine["items"][0]["check_ins"]) == 3
    assert (
        send(client, "GET", "/pairing/buddies?scope=all", headers=bearer(member)).status_code == 403
    )
    assert (
        send(client, "GET", "/pairing/buddies?scope=all", headers=bearer(admin)).json()["count"]
        == 1
    )
    other = colleague(org)
    moved = send(
        client,
        "POST",
        f"/pairing/buddies/{pairing.pk}/reassign",
        {"person_id": other.pk},
        headers=bearer(admin),
    )
    assert moved.status_code == 200 and moved.json()["buddy"]["id"] == other.pk
    refused = send(
        client,
        "POST",
        f"/pairing/buddies/{pairing.pk}/reassign",
        {"person_id": newcomer.pk},
        headers=bearer(admin),
    )
    assert refused.status_code == 422


def test_an_admin_finds_buddies_for_whoever_waits_through_the_api(org, admin, member):
    today = timezone.localdate()
    for person in (admin, member):
        type(person).objects.filter(pk=person.pk).update(start_date=date(2020, 1, 1))
    veteran = colleague(org, start_date=date(2020, 1, 1))
    joiner = colleague(org, start_date=today)
    client = Client()
    refused = send(client, "POST", "/pairing/buddies/assign", headers=bearer(member))
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert not Buddy.objects.exists()
    made = send(client, "POST", "/pairing/buddies/assign", headers=bearer(admin))
    assert made.status_code == 200 and made.json()["made"] == 1
    pairing = Buddy.objects.get()
    assert pairing.newcomer == joiner and pairing.buddy in (admin, member, veteran)
    again = send(client, "POST", "/pairing/buddies/assign", headers=bearer(admin)).json()
    assert again == {"made": 0, "message": "Every new joiner and returner already has a buddy."}


def test_lists_use_a_constant_number_of_queries(org, admin):
    client, headers = Client(), bearer(admin)
    counts: dict[str, list[int]] = {}
    for size in (2, 8):
        program = services.program_create(actor=admin, settings=settings(name=f"P{size}"))
        team = TeamFactory(organization=org)
        for i in range(size):
            person = colleague(org, team)
            services.dont_pair_add(person=admin, other=person)
            newcomer = colleague(org, start_date=date(2026, 6, 1))
            services.buddy_assign(
                newcomer=newcomer,
                reason="new_joiner",
                started_on=date(2026, 6, 1),
                buddy=admin if i == 0 else person,
            )
            services.round_run(program=program, on=date(2026, 6, 1) + timedelta(days=i))
        for path in (
            "/pairing/programs",
            "/pairing/groups",
            "/pairing/dont-pair",
            "/pairing/buddies?scope=all",
            "/pairing/buddies",
            f"/pairing/programs/{program.pk}/rounds",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert send(client, "GET", path, headers=headers).status_code == 200
            counts.setdefault(path.replace(str(program.pk), "{id}"), []).append(len(queries))
    for path, (small, large) in counts.items():
        assert large <= small, (path, small, large)
    assert Round.objects.count() == 10 and GroupMember.objects.exists()


def test_someone_left_out_after_quiet_rounds_rejoins_through_the_api(org, admin, member):
    from rapport.pairing.models import Participation

    program = services.program_create(actor=admin, settings=settings())
    Participation.objects.create(
        program=program, person=member, needs_opt_back_in=True, ignored_rounds=3
    )
    client, headers = Client(), bearer(member)
    read = send(client, "GET", f"/pairing/programs/{program.pk}", headers=headers).json()
    assert read["me"]["needs_opt_back_in"] is True and read["me"]["taking_part"] is False
    url = f"/pairing/programs/{program.pk}/participation"
    body = send(client, "PUT", url, {"taking_part": True}, headers=headers).json()
    assert body["taking_part"] is True and body["needs_opt_back_in"] is False
    assert member in services.pool_people(program=program, on=timezone.localdate())


def test_a_lunch_programme_for_locations_changed_through_the_api(org, admin):
    for city in ("London", "Berlin"):
        for i in range(4):
            colleague(org, display_name=f"{city} {i}", location=city)
    client, headers = Client(), bearer(admin)
    created = send(
        client,
        "POST",
        "/pairing/programs",
        {
            "name": "Lunch",
            "kind": "lunch",
            "pool": "locations",
            "locations": ["London", "Berlin"],
            "group_size": 2,
            "cadence": "biweekly",
            "announce_weekday": 3,
            "announce_hour": 11,
            "team_mode": "any",
            "avoid_managers": False,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.json()
    program_id = created.json()["id"]
    changed = send(
        client,
        "PATCH",
        f"/pairing/programs/{program_id}",
        {"group_size": 4, "locations": ["London"]},
        headers=headers,
    ).json()
    assert changed["group_size"] == 4 and changed["locations"] == ["London"]
    assert changed["kind"] == "lunch" and changed["cadence"] == "biweekly"
    started = send(client, "POST", f"/pairing/programs/{program_id}/rounds", headers=headers)
    assert started.status_code == 201 and started.json()["groups"] == 1
    made = Round.objects.get()
    members = GroupMember.objects.filter(group__round=made).select_related("person")
    assert {m.person.location for m in members} == {"London"} and members.count() == 4
