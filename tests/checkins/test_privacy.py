"""A lead or an admin never sees a private check-in or a note that was not shared with them:
not on any page, not through any API operation, not as the caring message of someone else.
Leads and admins get team figures only, and only through the privacy gate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rapport.checkins.models import Visibility
from rapport.people.models import Membership
from tests.api import bearer, send
from tests.conftest import client_for
from tests.factories import MembershipFactory, PersonFactory

from .factories import CheckInFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)  # a Wednesday
TODAY = date(2026, 6, 10)
SECRETS = ("PRIVATE-NOTE", "MOOD-ONLY-NOTE", "LAST-WEEK-PRIVATE")


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(team):
    """A team with a lead, someone keeping everything private (and having a hard time),
    someone sharing only their mood, someone sharing mood and note; plus five more who
    checked in last week, so that week's figure is released."""

    def mate(name, **kwargs):
        person = PersonFactory(organization=team.organization, display_name=name, **kwargs)
        MembershipFactory(person=person, team=team)
        return person

    private = mate("Pia Private")
    for days_ago, mood in enumerate([1, 2, 1]):  # Monday to today
        CheckInFactory(
            person=private, day=TODAY - timedelta(days=days_ago), mood=mood, note="PRIVATE-NOTE"
        )
    CheckInFactory(person=private, day=date(2026, 6, 2), mood=1, note="LAST-WEEK-PRIVATE")
    mood_only = mate("Milo Mood")
    CheckInFactory(
        person=mood_only, day=TODAY, mood=2, note="MOOD-ONLY-NOTE", visibility=Visibility.TEAM_MOOD
    )
    sharer = mate("Nora Note")
    CheckInFactory(
        person=sharer, day=TODAY, mood=5, note="SHARED-NOTE", visibility=Visibility.TEAM_NOTE
    )
    for n in range(5):
        CheckInFactory(person=mate(f"Week {n}"), day=date(2026, 6, 3), mood=4)
    return {"private": private, "mood_only": mood_only, "sharer": sharer}


@pytest.fixture
def team_lead(team):
    lead = PersonFactory(organization=team.organization, display_name="Lee Lead")
    MembershipFactory(person=lead, team=team, role=Membership.Role.LEAD)
    return lead


def _no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_the_lead_through_the_api_sees_shared_moods_gated_figures_and_nothing_private(
    team, team_lead, people
):
    api = Client(headers=bearer(team_lead))
    shared = send(api, "GET", f"/checkins/teams/{team.pk}/shared")
    assert shared.status_code == 200
    rows = {(i["person_name"], i["mood"], i["note"]) for i in shared.json()["items"]}
    assert rows == {("Milo Mood", 2, None), ("Nora Note", 5, "SHARED-NOTE")}
    _no_secrets(shared.content.decode())
    assert str(people["private"].pk) not in {str(i["person_id"]) for i in shared.json()["items"]}

    figures = send(api, "GET", f"/checkins/teams/{team.pk}/figures")
    assert figures.status_code == 200
    last_week = figures.json()["weeks"][0]
    # Pia's private check-in counts towards the figure (only the figure leaves) …
    assert last_week["released"] and last_week["people"] == 6
    assert last_week["distribution"] == {"1": 1, "2": 0, "3": 0, "4": 5, "5": 0}
    # … and nothing in the answer names anyone or carries a note.
    _no_secrets(figures.content.decode())
    assert "Pia" not in figures.content.decode()

    # Every operation of the lead's own reads only the lead's own check-ins.
    assert send(api, "GET", "/checkins").json()["count"] == 0
    today = send(api, "GET", "/checkins/today").json()
    assert today["checkin"] is None and today["support"] is None
    for checkin in people["private"].checkins.all():
        put = send(api, "PUT", f"/checkins/{checkin.pk}/visibility", {"visibility": "team_note"})
        assert put.status_code == 404
    assert not people["private"].checkins.exclude(visibility=Visibility.PRIVATE).exists()


def test_the_lead_through_the_pages_sees_shared_moods_gated_figures_and_nothing_private(
    team, team_lead, people
):
    browser = client_for(team_lead)
    team_page = browser.get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "Milo Mood" in team_page and "Nora Note" in team_page and "SHARED-NOTE" in team_page
    assert "Pia Private" not in team_page
    assert "4.0 of 5" not in team_page and "3.5 of 5" in team_page  # (5 * 4 + 1) / 6
    _no_secrets(team_page)
    for url in (
        reverse("checkins:home"),
        reverse("checkins:history"),
        reverse("checkins:reach_out"),
        reverse("people:detail", args=[people["private"].pk]),
    ):
        body = browser.get(url).content.decode()
        _no_secrets(body)
        assert "things have been hard lately" not in body  # Pia's caring message is Pia's
    for checkin in people["private"].checkins.all():
        response = browser.post(
            reverse("checkins:set_visibility", args=[checkin.pk]), {"visibility": "team_note"}
        )
        assert response.status_code == 404


def test_an_admin_outside_the_team_gets_figures_only_through_pages_and_api(team, admin, people):
    api = Client(headers=bearer(admin))
    assert send(api, "GET", f"/checkins/teams/{team.pk}/shared").status_code == 403
    figures = send(api, "GET", f"/checkins/teams/{team.pk}/figures")
    assert figures.status_code == 200 and figures.json()["weeks"][0]["people"] == 6
    _no_secrets(figures.content.decode())
    page = client_for(admin).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "3.5 of 5" in page
    for name in ("Pia Private", "Milo Mood", "Nora Note", "SHARED-NOTE"):
        assert name not in page
    _no_secrets(page)


def test_a_member_cannot_read_the_figures_and_sees_only_what_was_shared(team, member, people):
    api = Client(headers=bearer(member))
    assert send(api, "GET", f"/checkins/teams/{team.pk}/figures").status_code == 403
    shared = send(api, "GET", f"/checkins/teams/{team.pk}/shared")
    _no_secrets(shared.content.decode())
    page = client_for(member).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "team's mood, week by week" not in page and "3.5 of 5" not in page
    _no_secrets(page)


def test_the_person_themselves_sees_their_caring_message_and_notes(team, people):
    pia = people["private"]
    home = client_for(pia).get(reverse("checkins:home")).content.decode()
    assert "things have been hard lately" in home
    today = send(Client(headers=bearer(pia)), "GET", "/checkins/today").json()
    assert today["support"]["low_checkins"] == 4
    assert today["checkin"]["note"] == "PRIVATE-NOTE"
