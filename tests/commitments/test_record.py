"""The follow-through record: one's own, a teammate's shared one, a team's through the
privacy gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.commitments import selectors, services
from rapport.commitments.models import CommitmentSettings
from rapport.people.models import Membership
from tests.api import bearer, send
from tests.conftest import client_for
from tests.factories import MembershipFactory, PersonFactory, TeamFactory

from .factories import promise

pytestmark = pytest.mark.django_db


def settle(promiser, receiver, how, *, days_ago=5):
    """A promise of `promiser` settled `days_ago` days ago as on_time, early, late or missed."""
    now = timezone.now() - timedelta(days=days_ago)
    c = promise(promiser, receiver, due_in=timedelta(days=1), now=now - timedelta(days=2))
    if how == "early":
        services.commitment_renegotiate(
            commitment=c,
            person=promiser,
            due_at=c.due_at + timedelta(days=1),
            message="Moving it",
            now=now - timedelta(days=2),
        )
    if how == "missed":
        services.commitments_mark_missed(now=now)
        return c
    delivered = c.due_at + timedelta(hours=2) if how == "late" else now - timedelta(days=1, hours=2)
    services.commitment_deliver(commitment=c, person=promiser, now=delivered)
    services.commitment_confirm(commitment=c, person=receiver, now=max(now, delivered))
    return c


def test_the_record_counts_outcomes_of_the_last_90_days(member, colleague):
    for how in ["on_time", "on_time", "on_time", "early", "late", "missed"]:
        settle(member, colleague, how)
    settle(member, colleague, "missed", days_ago=95)  # too old to count
    promise(member, colleague)  # still open: not counted
    record = selectors.follow_through(person=member)
    assert (record.on_time, record.renegotiated_early, record.late, record.missed) == (3, 1, 1, 1)
    assert record.follow_through_rate == 67  # 4 of 6 kept trust
    assert selectors.follow_through(person=colleague).total == 0


def test_my_record_page_and_its_empty_state(member, colleague, member_client):
    url = reverse("commitments:record")
    assert "Nothing settled in the last 90 days yet" in member_client.get(url).content.decode()
    settle(member, colleague, "on_time")
    page = member_client.get(url).content.decode()
    assert "100%" in page and "nobody else sees it" in page


def test_the_record_through_the_api(member, colleague):
    settle(member, colleague, "late")
    body = send(Client(), "GET", "/commitments/record", headers=bearer(member)).json()
    assert body == {
        "days": 90,
        "on_time": 0,
        "renegotiated_early": 0,
        "late": 1,
        "missed": 0,
        "total": 1,
        "follow_through_rate": 0,
    }


def test_sharing_is_a_choice_and_only_teammates_see_it(org, member, colleague, member_client):
    stranger = PersonFactory(organization=org, display_name="Other Team")
    MembershipFactory(person=stranger, team=TeamFactory(organization=org))
    settle(member, colleague, "on_time")
    url = reverse("commitments:person_record", kwargs={"pk": member.pk})
    api_path = f"/commitments/people/{member.pk}/record"
    assert client_for(colleague).get(url).status_code == 404
    assert send(Client(), "GET", api_path, headers=bearer(colleague)).status_code == 404

    response = member_client.post(
        reverse("commitments:settings"), {"reminder_hours": "24, 2", "share_record": "on"}
    )
    assert response.status_code == 302
    assert CommitmentSettings.objects.get(person=member).share_record
    page = client_for(colleague).get(url)
    assert page.status_code == 200 and "Mia Member" in page.content.decode()
    assert send(Client(), "GET", api_path, headers=bearer(colleague)).json()["on_time"] == 1
    assert client_for(stranger).get(url).status_code == 404


def test_the_settings_page_explains_bad_reminder_hours(member_client):
    url = reverse("commitments:settings")
    assert "24, 2" in member_client.get(url).content.decode()
    response = member_client.post(url, {"reminder_hours": "soon"})
    assert (
        response.status_code == 200 and "isn&#x27;t a number of hours" in response.content.decode()
    )
    response = member_client.post(url, {"reminder_hours": "400"})
    assert "two weeks" in response.content.decode()
    member_client.post(url, {"reminder_hours": "0.5, 48"})
    assert CommitmentSettings.objects.get().reminder_minutes == [2880, 30]


def _big_team(org, size):
    team = TeamFactory(organization=org, name="Big Team")
    lead = PersonFactory(organization=org, display_name="Big Lead")
    MembershipFactory(person=lead, team=team, role=Membership.Role.LEAD)
    members = [PersonFactory(organization=org, user__password=None) for _ in range(size)]
    for person in members:
        MembershipFactory(person=person, team=team)
    return team, lead, members


def test_team_figures_come_through_the_privacy_gate(org, admin):
    team, lead, members = _big_team(org, 5)
    outsider_of_team = PersonFactory(organization=org)
    for i, person in enumerate(members):
        settle(person, outsider_of_team, "on_time" if i % 2 == 0 else "early")
    settle(members[0], outsider_of_team, "missed")
    url = reverse("commitments:team", kwargs={"pk": team.pk})
    page = client_for(lead).get(url).content.decode()
    assert "Follow-through" in page and "83%" in page  # 5 of 6 kept trust
    body = send(Client(), "GET", f"/commitments/teams/{team.pk}/record", headers=bearer(admin))
    assert body.json()["released"] is True
    assert body.json()["figures"]["missed_rate"] == 17


def test_a_small_team_gets_no_figures(org, team, lead, member, colleague):
    settle(member, colleague, "missed")
    url = reverse("commitments:team", kwargs={"pk": team.pk})
    page = client_for(lead).get(url).content.decode()
    assert "so that no one can be singled out" in page and "%" not in page.split("<h1")[1]
    body = send(Client(), "GET", f"/commitments/teams/{team.pk}/record", headers=bearer(lead))
    assert body.json()["released"] is False and body.json()["figures"] is None


def test_team_figures_are_for_leads_and_admins_only(team, member, lead):
    url = reverse("commitments:team", kwargs={"pk": team.pk})
    assert client_for(member).get(url).status_code == 403
    path = f"/commitments/teams/{team.pk}/record"
    assert send(Client(), "GET", path, headers=bearer(member)).status_code == 403
    teams_page = client_for(lead).get(reverse("commitments:teams")).content.decode()
    assert "Platform" in teams_page
    assert "You don" in client_for(member).get(reverse("commitments:teams")).content.decode()


def test_teammates_find_records_shared_with_them_and_only_those(
    org, member, colleague, third, django_assert_max_num_queries
):
    """The shared records can be found, in the browser and the API; someone who didn't
    choose to share, or shares with another team, isn't listed."""
    outside = PersonFactory(organization=org, display_name="Other Team")
    MembershipFactory(person=outside, team=TeamFactory(organization=org))
    for person in (member, outside):
        services.commitment_settings_update(
            person=person, reminder_minutes=[120], share_record=True
        )
    url = reverse("commitments:shared")
    page = client_for(colleague).get(url).content.decode()
    assert page.count("<h1") == 1
    assert "Mia Member" in page and "Tess Third" not in page and "Other Team" not in page
    assert reverse("commitments:person_record", kwargs={"pk": member.pk}) in page
    body = send(Client(), "GET", "/commitments/people", headers=bearer(colleague)).json()
    assert [p["display_name"] for p in body["items"]] == ["Mia Member"]
    # Nobody sees themself there, and an empty list says what to do.
    empty = client_for(outside).get(url).content.decode()
    assert "None of your teammates share their record yet" in empty
    assert "share yours" not in empty  # they already do

    # Constant queries as the list grows.
    team = member.memberships.get().team
    with django_assert_max_num_queries(30) as small:
        client_for(colleague).get(url)
    for i in range(8):
        person = PersonFactory(organization=org, display_name=f"Sharer {i}")
        MembershipFactory(person=person, team=team)
        services.commitment_settings_update(person=person, reminder_minutes=[60], share_record=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert "Sharer 7" in client_for(colleague).get(url).content.decode()
