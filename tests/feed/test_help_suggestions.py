"""A challenge tells teammates who have room this week (the help board's nudge), and only
teammates who can read it."""

import pytest

from rapport.feed.services import post_create
from rapport.helpboard.services import capacity_update
from rapport.notifications.models import Notification
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def suggested_to(person) -> int:
    return Notification.objects.filter(recipient=person, type="help_suggestion").count()


def test_a_team_challenge_reaches_only_that_teams_people_with_room(member, priya, sam, design):
    MembershipFactory(person=member, team=design)  # Mia is in Platform and Design
    for person in (priya, sam):
        capacity_update(person=person, status="available", skills=[])
    post_create(author=member, kind="challenge", audience="team", team=design, body="Stuck")
    # Sam (Design) can read it and is told; Priya (Platform only) can't and isn't.
    assert (suggested_to(sam), suggested_to(priya)) == (1, 0)


def test_a_challenge_to_everyone_reaches_every_teammate_with_room(member, priya, sam, design):
    MembershipFactory(person=member, team=design)
    capacity_update(person=priya, status="available", skills=[])
    capacity_update(person=sam, status="steady", skills=[])
    post_create(author=member, kind="challenge", audience="organization", body="Stuck")
    post_create(author=member, kind="win", audience="organization", body="Unstuck")
    assert (suggested_to(priya), suggested_to(sam)) == (1, 0)
