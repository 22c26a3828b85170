"""Offering help before it is asked, through the API: people with capacity and matching
skills see matching requests first; teammates with capacity hear when a teammate turns
swamped or shares a challenge, unless they opted out (or are away)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rapport.helpboard import services
from rapport.notifications.models import Notification
from rapport.notifications.types import NotificationType

from ..api import bearer, send
from ..factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def api_for(person):
    client = Client(headers=bearer(person))
    return lambda method, path, body=None: send(client, method, path, body)


def suggestions(person) -> list[Notification]:
    return list(
        Notification.objects.filter(recipient=person, type=NotificationType.HELP_SUGGESTION)
    )


def teammate(org, team, name: str, **person) -> object:
    someone = PersonFactory(organization=org, display_name=name, **person)
    MembershipFactory(person=someone, team=team)
    return someone


def ask(requester, title: str, skills: list[str]):
    return services.help_request_create(
        requester=requester,
        title=title,
        skills=skills,
        effort="under_hour",
        needed_by=timezone.now().date() + timedelta(days=5),
    )


def test_with_capacity_the_api_lists_matching_requests_first(org, member, lead, admin):
    ask(lead, "Older, needs figma", ["figma"])
    ask(admin, "Newest, needs sql", ["sql"])
    api = api_for(member)
    api("PUT", "/helpboard/capacity", {"status": "steady", "skills": ["Figma"]})
    listed = api("GET", "/helpboard/requests").json()["items"]
    assert [r["title"] for r in listed] == ["Newest, needs sql", "Older, needs figma"]
    assert [r["matches_me"] for r in listed] == [False, True]

    api("PUT", "/helpboard/capacity", {"status": "available", "skills": ["Figma"]})
    listed = api("GET", "/helpboard/requests").json()["items"]
    assert [r["title"] for r in listed] == ["Older, needs figma", "Newest, needs sql"]
    assert [r["matches_me"] for r in listed] == [True, False]


def test_a_challenge_posted_through_the_api_reaches_teammates_with_room_who_want_it(
    org, team, member
):
    helper = teammate(org, team, "Hana Helper")
    shy = teammate(org, team, "Sam Shy")
    away = teammate(org, team, "Ola Away")
    busy = teammate(org, team, "Bo Busy")
    api_for(helper)("PUT", "/helpboard/capacity", {"status": "available"})
    api_for(shy)("PUT", "/helpboard/capacity", {"status": "available", "suggestions_off": True})
    api_for(away)("PUT", "/helpboard/capacity", {"status": "available"})
    away.status = "on_leave"
    away.save()
    api_for(busy)("PUT", "/helpboard/capacity", {"status": "steady"})

    posted = api_for(member)(
        "POST",
        "/feed/posts",
        {"kind": "challenge", "audience": "organization", "body": "The import keeps failing"},
    )
    assert posted.status_code == 201
    [suggestion] = suggestions(helper)
    assert suggestion.title == "Mia Member shared a challenge"
    assert suggestion.url == f"/feed/posts/{posted.json()['id']}/"
    for nobody in (shy, away, busy, member):
        assert suggestions(nobody) == []

    # Opting back in: the next week's challenge reaches Sam too.
    api_for(shy)("PUT", "/helpboard/capacity", {"status": "available", "suggestions_off": False})
    assert api_for(shy)("GET", "/helpboard/capacity").json()["suggestions_off"] is False
    services.challenge_posted_suggest(
        author=member, post_url="/feed/posts/1/", now=timezone.now() + timedelta(days=1)
    )
    assert len(suggestions(shy)) == 1


def test_turning_swamped_through_the_api_tells_teammates_with_room(org, team, member):
    helper = teammate(org, team, "Hana Helper")
    shy = teammate(org, team, "Sam Shy")
    api_for(helper)("PUT", "/helpboard/capacity", {"status": "available", "skills": ["sql"]})
    api_for(shy)("PUT", "/helpboard/capacity", {"status": "available", "suggestions_off": True})
    response = api_for(member)("PUT", "/helpboard/capacity", {"status": "swamped"})
    assert response.status_code == 200
    [suggestion] = suggestions(helper)
    assert suggestion.title == "Mia Member is swamped this week"
    assert suggestions(shy) == []


def test_a_win_edited_into_a_challenge_suggests_too(org, team, member):
    helper = teammate(org, team, "Hana Helper")
    services.capacity_update(person=helper, status="available", skills="")
    api = api_for(member)
    win = api("POST", "/feed/posts", {"kind": "win", "audience": "team", "body": "Shipped"})
    assert win.status_code == 422  # a team post names its team
    win = api(
        "POST",
        "/feed/posts",
        {"kind": "win", "audience": "team", "team_id": team.pk, "body": "Shipped, mostly"},
    )
    assert suggestions(helper) == []
    edited = api(
        "PATCH", f"/feed/posts/{win.json()['id']}", {"kind": "challenge", "body": "Not quite"}
    )
    assert edited.status_code == 200
    assert [s.url for s in suggestions(helper)] == [f"/feed/posts/{win.json()['id']}/"]
    # Editing the challenge again tells nobody twice.
    api("PATCH", f"/feed/posts/{win.json()['id']}", {"kind": "challenge", "body": "Still stuck"})
    assert len(suggestions(helper)) == 1
