"""The help board API: capacity, people with capacity, skills, requests, offers, done."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.helpboard import services
from rapport.helpboard.models import HelpRequest, Offer
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification

from ..api import bearer, colleague, send
from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


def soon(days: int = 5) -> str:
    return (timezone.now().date() + timedelta(days=days)).isoformat()


@pytest.fixture
def api(member):
    client = Client(headers=bearer(member))
    return lambda method, path, body=None: send(client, method, path, body)


def as_person(person):
    client = Client(headers=bearer(person))
    return lambda method, path, body=None: send(client, method, path, body)


def test_my_capacity_reads_before_and_after_i_say_it(api, member):
    before = api("GET", "/helpboard/capacity").json()
    assert before["status"] is None and before["skills"] == [] and not before["has_capacity"]
    response = api(
        "PUT", "/helpboard/capacity", {"status": "available", "skills": ["Figma", " sql "]}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "available" and body["has_capacity"] and not body["stale"]
    assert body["skills"] == ["figma", "sql"] and body["available_until"]
    assert api("GET", "/helpboard/capacity").json() == body


def test_capacity_refuses_too_many_skills_and_unknown_statuses(api):
    response = api(
        "PUT", "/helpboard/capacity", {"status": "available", "skills": [str(i) for i in range(16)]}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "skills: That is 16 skills; choose at most 15."
    response = api("PUT", "/helpboard/capacity", {"status": "bored"})
    assert response.status_code == 422
    assert api("GET", "/helpboard/capacity").json()["status"] is None


def test_people_with_capacity_and_skill_suggestions(api, org, member, lead):
    services.capacity_update(person=lead, status="available", skills="sql, go")
    services.capacity_update(person=member, status="steady", skills="figma")
    body = api("GET", "/helpboard/capacity/people?skill=SQL").json()
    assert body["count"] == 1
    assert body["items"][0]["person"] == {"id": lead.pk, "display_name": "Lee Lead"}
    assert body["items"][0]["skills"] == ["go", "sql"]
    assert api("GET", "/helpboard/capacity/people?skill=figma").json()["count"] == 0
    names = [s["name"] for s in api("GET", "/helpboard/skills").json()["items"]]
    assert names == ["figma", "go", "sql"]
    assert [s["name"] for s in api("GET", "/helpboard/skills?prefix=G").json()["items"]] == ["go"]


def test_the_whole_flow_through_the_api(api, member, lead):
    created = api(
        "POST",
        "/helpboard/requests",
        {
            "title": "Review the schema",
            "description": "Two tables",
            "skills": ["SQL"],
            "effort": "half_day",
            "needed_by": soon(),
            "audience": "team",
        },
    )
    assert created.status_code == 201, created.json()
    request = created.json()
    assert request["state"] == "open" and request["skills"] == ["sql"]
    assert request["team_id"] is not None and request["offers"] == []

    helper = as_person(lead)
    services.capacity_update(person=lead, status="available", skills="sql")
    listed = helper("GET", "/helpboard/requests").json()
    assert [r["id"] for r in listed["items"]] == [request["id"]]
    assert listed["items"][0]["matches_me"] is True
    offer = helper(
        "POST", f"/helpboard/requests/{request['id']}/offers", {"message": "Tomorrow morning"}
    )
    assert offer.status_code == 201, offer.json()
    offer_id = offer.json()["id"]
    assert offer.json()["state"] == "offered"

    read = api("GET", f"/helpboard/requests/{request['id']}").json()
    assert [o["message"] for o in read["offers"]] == ["Tomorrow morning"]
    accepted = api("POST", f"/helpboard/offers/{offer_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    done = api("POST", f"/helpboard/requests/{request['id']}/done")
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert Interaction.objects.filter(kind=Kind.HELPED, actor=lead, other=member).exists()
    mine = api("GET", "/helpboard/requests?mine=true").json()
    assert [r["state"] for r in mine["items"]] == ["done"]
    helper_mine = helper("GET", "/helpboard/requests?mine=true").json()
    assert [r["id"] for r in helper_mine["items"]] == [request["id"]]


def test_refusals_through_the_api_say_what_is_wrong_and_save_nothing(api, org, member, lead):
    body = {"title": "Help", "effort": "under_hour", "needed_by": "2020-01-01"}
    response = api("POST", "/helpboard/requests", body)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "needed_by: That date has passed; choose today or a later day."
    )
    response = api("POST", "/helpboard/requests", body | {"needed_by": soon(), "title": "x" * 121})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"
    response = api(
        "POST", "/helpboard/requests", body | {"needed_by": soon(), "skills": list("abcdef")}
    )
    assert response.json()["detail"] == "skills: That is 6 skills; choose at most 5."
    assert not HelpRequest.objects.exists()

    mine = services.help_request_create(
        requester=member, title="Mine", effort="under_hour", needed_by=timezone.now().date()
    )
    response = api("POST", f"/helpboard/requests/{mine.pk}/offers", {})
    assert response.status_code == 422
    assert (
        response.json()["detail"] == "This is your own request: others can offer to help with it."
    )

    theirs = services.help_request_create(
        requester=lead, title="Theirs", effort="under_hour", needed_by=timezone.now().date()
    )
    someone = colleague(org)
    offer = services.offer_create(request=theirs, helper=someone)
    response = api("POST", f"/helpboard/offers/{offer.pk}/accept")
    assert response.status_code == 404  # the member may not even see someone else's offer
    own_offer = services.offer_create(request=theirs, helper=member)
    response = api("POST", f"/helpboard/offers/{own_offer.pk}/accept")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the person who asked for help can accept offers."
    response = api("POST", f"/helpboard/requests/{theirs.pk}/close")
    assert response.status_code == 403

    services.help_request_close(request=theirs, by=lead)
    response = as_person(someone)("POST", f"/helpboard/requests/{theirs.pk}/offers", {})
    assert response.status_code == 422 and "no longer open" in response.json()["detail"]
    response = api("POST", f"/helpboard/requests/{mine.pk}/done")
    assert response.status_code == 422 and "Accept the offer" in response.json()["detail"]
    response = as_person(lead)(
        "POST", f"/helpboard/requests/{mine.pk}/offers", {"message": "x" * 281}
    )
    assert response.status_code == 422
    assert Offer.objects.count() == 2
    assert Notification.objects.filter(type="help_offer").count() == 2


def test_close_through_the_api(api, member):
    mine = services.help_request_create(
        requester=member, title="Mine", effort="under_hour", needed_by=timezone.now().date()
    )
    response = api("POST", f"/helpboard/requests/{mine.pk}/close")
    assert response.status_code == 200 and response.json()["state"] == "closed"
    response = api("POST", f"/helpboard/requests/{mine.pk}/close")
    assert response.status_code == 422 and response.json()["detail"] == (
        "This request is closed already."
    )


def test_api_lists_use_a_constant_number_of_queries(api, org, team, member):
    services.capacity_update(person=member, status="available", skills="shared")

    def grow(count: int) -> None:
        for i in range(count):
            person = colleague(org)
            MembershipFactory(person=person, team=team)
            services.capacity_update(person=person, status="available", skills=f"k{i}, shared")
            request = services.help_request_create(
                requester=person,
                title=f"R{i}",
                skills=f"k{i}, shared",
                effort="under_hour",
                needed_by=timezone.now().date(),
            )
            services.offer_create(request=request, helper=member)

    paths = [
        "/helpboard/requests",
        "/helpboard/requests?mine=true",
        "/helpboard/capacity/people",
        "/helpboard/skills",
    ]

    def counts() -> list[int]:
        result = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert api("GET", path).status_code == 200
            result.append(len(queries))
        return result

    grow(2)
    counts()  # the first call also notes when the token was last used
    small = counts()
    grow(20)
    assert counts() == small
