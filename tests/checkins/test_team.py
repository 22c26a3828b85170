"""What a team sees: only what members shared; leads and admins get gated figures only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from rapport.checkins.models import Visibility
from rapport.checkins.selectors import team_mood_figures
from rapport.people.models import Membership
from rapport.privacy.models import Release
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, TeamFactory

from .factories import CheckInFactory

pytestmark = pytest.mark.django_db

# A Wednesday: the closed weeks are those before Monday 8 June 2026.
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def _wednesday():
    with time_machine.travel(NOW, tick=False):
        yield


def _teammate(team, name, **kwargs):
    person = PersonFactory(organization=team.organization, display_name=name, **kwargs)
    MembershipFactory(person=person, team=team)
    return person


def test_members_see_shared_moods_and_only_the_notes_shared_with_the_team(member, team):
    sharing_mood = _teammate(team, "Sam Mood")
    sharing_note = _teammate(team, "Nora Note")
    private = _teammate(team, "Pia Private")
    CheckInFactory(
        person=sharing_mood,
        day=TODAY,
        mood=2,
        note="MOOD-ONLY-NOTE",
        visibility=Visibility.TEAM_MOOD,
    )
    CheckInFactory(
        person=sharing_note,
        day=TODAY,
        mood=4,
        note="Proud of the launch",
        visibility=Visibility.TEAM_NOTE,
    )
    CheckInFactory(person=private, day=TODAY, mood=1, note="PRIVATE-NOTE")
    body = client_for(member).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "Sam Mood" in body and "2 · Low" in body
    assert "Nora Note" in body and "Proud of the launch" in body
    assert "MOOD-ONLY-NOTE" not in body
    assert "Pia Private" not in body and "PRIVATE-NOTE" not in body
    assert "team's mood, week by week" not in body  # members get no figures


def test_a_lead_sees_exactly_what_members_see_never_a_private_check_in(lead, team):
    private = _teammate(team, "Pia Private")
    CheckInFactory(person=private, day=TODAY, mood=1, note="PRIVATE-NOTE")
    shared = _teammate(team, "Sam Mood")
    CheckInFactory(person=shared, day=TODAY, mood=3, note="HIDDEN", visibility="team_mood")
    body = client_for(lead).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "Pia Private" not in body and "PRIVATE-NOTE" not in body and "HIDDEN" not in body
    assert "Sam Mood" in body
    assert "team's mood, week by week" in body


def test_sharing_is_with_my_teams_not_with_other_teams(member, team, org):
    other_team = TeamFactory(organization=org, name="Elsewhere")
    stranger = PersonFactory(organization=org, display_name="Stan Stranger")
    MembershipFactory(person=stranger, team=other_team)
    CheckInFactory(person=stranger, day=TODAY, visibility="team_note", note="Not for Platform")
    body = client_for(member).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "Stan Stranger" not in body
    assert client_for(member).get(reverse("checkins:team", args=[other_team.pk])).status_code == 403


def test_old_shared_check_ins_drop_off_after_a_week(member, team):
    mate = _teammate(team, "Olga Old")
    CheckInFactory(person=mate, day=TODAY - timedelta(days=8), visibility="team_mood")
    body = client_for(member).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "Olga Old" not in body and "Nobody has shared a check-in" in body


def _week_of_checkins(team, people, monday, moods):
    for person, mood in zip(people, moods, strict=True):
        CheckInFactory(person=person, day=monday + timedelta(days=1), mood=mood)


def test_figures_below_the_threshold_say_it_is_not_safe_to_show(lead, team):
    people = [_teammate(team, f"P{n}") for n in range(3)]
    _week_of_checkins(team, people, date(2026, 6, 1), [1, 2, 3])
    body = client_for(lead).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "Not shown, so that no one can be singled out." in body
    assert "of 5" not in body
    assert not Release.objects.exists()


def test_figures_from_enough_people_are_released_through_the_gate(lead, team):
    people = [_teammate(team, f"P{n}") for n in range(6)]
    _week_of_checkins(team, people, date(2026, 6, 1), [1, 2, 3, 4, 5, 5])
    figures = team_mood_figures(viewer=lead, team=team)
    last_week = figures[0]
    assert last_week.week == "2026-W23" and last_week.result.released
    assert last_week.result.value.average == 3.3
    assert last_week.result.value.distribution == {1: 1, 2: 1, 3: 1, 4: 1, 5: 2}
    assert last_week.result.people == 6
    assert not figures[1].result.released  # nobody checked in the week before
    assert Release.objects.filter(viewer=lead, size=6).count() == 1
    body = client_for(lead).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "3.3 of 5" in body


def test_the_current_week_is_never_shown(lead, team):
    people = [_teammate(team, f"P{n}") for n in range(6)]
    _week_of_checkins(team, people, date(2026, 6, 8), [3] * 6)
    assert all(f.monday < date(2026, 6, 8) for f in team_mood_figures(viewer=lead, team=team))


def test_an_org_admin_outside_the_team_gets_figures_but_no_check_ins(admin, team):
    shared = _teammate(team, "Sam Shared")
    CheckInFactory(person=shared, day=TODAY, visibility="team_note", note="For my team only")
    body = client_for(admin).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "Sam Shared" not in body and "For my team only" not in body
    assert "what its members share with each other stays with them" in body
    assert "team's mood, week by week" in body


def test_someone_outside_the_team_who_is_not_an_admin_is_refused(org, team):
    outsider_in_org = PersonFactory(organization=org)
    response = client_for(outsider_in_org).get(reverse("checkins:team", args=[team.pk]))
    assert response.status_code == 403


def _team_with(org, size):
    team = TeamFactory(organization=org)
    lead = PersonFactory(organization=org)
    MembershipFactory(person=lead, team=team, role=Membership.Role.LEAD)
    for n in range(size):
        mate = _teammate(team, f"Mate {n}")
        for d in range(5):
            CheckInFactory(
                person=mate, day=TODAY - timedelta(days=d), visibility="team_note", note="shared"
            )
            CheckInFactory(person=mate, day=TODAY - timedelta(days=14 + d))
    return team, lead


def test_the_team_page_uses_a_constant_number_of_queries(org, django_assert_max_num_queries):
    small_team, small_lead = _team_with(org, 6)
    big_team, big_lead = _team_with(org, 30)
    with django_assert_max_num_queries(60) as few:
        page = client_for(small_lead).get(reverse("checkins:team", args=[small_team.pk]))
    assert "of 5" in page.content.decode()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client_for(big_lead).get(reverse("checkins:team", args=[big_team.pk]))
    assert "of 5" in page.content.decode() and "Page 1 of 5" in page.content.decode()


def test_lead_role_comes_from_the_membership(member, team):
    Membership.objects.filter(person=member, team=team).update(role=Membership.Role.LEAD)
    body = client_for(member).get(reverse("checkins:team", args=[team.pk])).content.decode()
    assert "team's mood, week by week" in body


def test_the_teams_page_lists_my_teams_and_for_admins_every_team(member, admin, team, org):
    other = TeamFactory(organization=org, name="Hidden From Members")
    TeamFactory(organization=OrganizationFactory(), name="Another Company Team")
    mine = client_for(member).get(reverse("checkins:teams")).content.decode()
    assert reverse("checkins:team", args=[team.pk]) in mine
    assert "Your team: the moods teammates share" in mine
    assert "Hidden From Members" not in mine and "Another Company Team" not in mine
    everyone = client_for(admin).get(reverse("checkins:teams")).content.decode()
    assert reverse("checkins:team", args=[other.pk]) in everyone
    assert reverse("checkins:team", args=[team.pk]) in everyone
    assert "Weekly figures only" in everyone and "Another Company Team" not in everyone
    assert (
        "Every team's weekly mood"
        in client_for(admin).get(reverse("checkins:home")).content.decode()
    )
    assert "Every team's weekly mood" not in (
        client_for(member).get(reverse("checkins:home")).content.decode()
    )


def test_someone_in_no_team_is_told_what_the_teams_page_will_show(org):
    loner = PersonFactory(organization=org)
    body = client_for(loner).get(reverse("checkins:teams")).content.decode()
    assert "You are not in a team yet" in body


def test_the_teams_page_uses_a_constant_number_of_queries(
    admin, org, django_assert_max_num_queries
):
    TeamFactory(organization=org)
    browser = client_for(admin)
    with django_assert_max_num_queries(40) as few:
        browser.get(reverse("checkins:teams"))
    for n in range(40):
        team = TeamFactory(organization=org, name=f"Squad {n:02d}")
        MembershipFactory(person=admin, team=team, role=Membership.Role.LEAD if n % 2 else "member")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = browser.get(reverse("checkins:teams")).content.decode()
    assert "Page 1 of 2" in body and "You lead this team" in body
