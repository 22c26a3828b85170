"""Reaching out (from the asker's own ledger ties) and the caring message on low moods."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.checkins.models import Visibility
from rapport.checkins.selectors import reach_out_suggestions, support_for
from rapport.checkins.services import check_on_send, local_day
from rapport.ledger.kinds import Kind
from rapport.people.models import Person
from tests.conftest import client_for
from tests.factories import InteractionFactory, PersonFactory

from .factories import CheckInFactory

pytestmark = pytest.mark.django_db


def _talk(a, b, *days_ago, kind=Kind.MET):
    now = timezone.now()
    for days in days_ago:
        InteractionFactory(actor=a, other=b, kind=kind, occurred_at=now - timedelta(days=days))


def test_someone_i_used_to_talk_to_often_and_not_lately_is_suggested(member, org):
    old_friend = PersonFactory(organization=org, display_name="Olly Oldfriend")
    _talk(member, old_friend, 100, 90, 80, 70)  # weight 2 each: strong then
    _talk(old_friend, member, 40)  # still nothing in the last three weeks
    [suggestion] = reach_out_suggestions(person=member)
    assert suggestion.person == old_friend
    assert suggestion.then_interactions == 4 and suggestion.quiet_weeks == 5
    body = client_for(member).get(reverse("checkins:home")).content.decode()
    assert "Olly Oldfriend" in body and "You used to talk often" in body
    assert "nothing in the last 5 weeks" in body
    assert f"?to={old_friend.pk}&amp;start=coffee" in body


def test_recent_contact_weak_old_ties_and_people_who_left_are_not_suggested(member, org):
    recent = PersonFactory(organization=org)
    _talk(member, recent, 100, 90, 80, 10)
    weak = PersonFactory(organization=org)
    _talk(member, weak, 90)
    gone = PersonFactory(organization=org, status=Person.Status.LEFT)
    _talk(member, gone, 100, 90, 80)
    away = PersonFactory(organization=org, status=Person.Status.ON_LEAVE)
    _talk(member, away, 100, 90, 80)
    too_old = PersonFactory(organization=org)
    _talk(member, too_old, 150, 140, 130)
    assert reach_out_suggestions(person=member) == []


def test_suggestions_come_only_from_my_own_ties_never_from_check_ins(member, org):
    # Two other people who drifted apart: not my business.
    a, b = PersonFactory(organization=org), PersonFactory(organization=org)
    _talk(a, b, 100, 90, 80)
    # A teammate whose shared moods are low: no suggestion either.
    low = PersonFactory(organization=org)
    for d in range(5):
        CheckInFactory(
            person=low,
            day=local_day(person=low) - timedelta(days=d),
            mood=1,
            visibility=Visibility.TEAM_NOTE,
        )
    assert reach_out_suggestions(person=member) == []


def test_checking_in_on_someone_removes_them_from_the_suggestions(member, org):
    old_friend = PersonFactory(organization=org)
    _talk(member, old_friend, 100, 90, 80)
    assert reach_out_suggestions(person=member)
    check_on_send(sender=member, recipient=old_friend, message="Coffee soon?")
    assert reach_out_suggestions(person=member) == []


def test_suggestions_take_two_queries_however_large_the_ledger(member, org):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            found = reach_out_suggestions(person=member, limit=5)
        assert found
        return len(queries)

    first = PersonFactory(organization=org)
    _talk(member, first, 100, 90, 80)
    few = count()
    for _ in range(20):
        someone = PersonFactory(organization=org)
        _talk(member, someone, 110, 95, 85, 75, 65)
        _talk(someone, member, 30)
    assert count() == few == 2


def test_the_reach_out_page_explains_and_links(member, org):
    old_friend = PersonFactory(organization=org, display_name="Olly Oldfriend")
    _talk(member, old_friend, 100, 90, 80)
    body = client_for(member).get(reverse("checkins:reach_out")).content.decode()
    assert "Check in on Olly Oldfriend" in body
    assert "never from anyone" in body


# --- the caring message -----------------------------------------------------------------------


def _moods(person, moods):
    today = local_day(person=person)
    for days_ago, mood in enumerate(moods):
        CheckInFactory(person=person, day=today - timedelta(days=days_ago), mood=mood)


def test_three_low_of_the_last_five_shows_a_caring_message_to_me_only(member, org, team):
    close = PersonFactory(organization=org, display_name="Tia Trusted")
    _talk(member, close, 2, 3, 5)
    _moods(member, [2, 4, 1, 3, 2, 5, 5])
    support = support_for(person=member)
    assert support is not None and support.low_checkins == 3
    assert [t.person for t in support.people] == [close]
    body = client_for(member).get(reverse("checkins:home")).content.decode()
    assert "things have been hard lately" in body
    assert "Tia Trusted" in body
    assert reverse("guides:home") in body
    assert reverse("care:home") in body
    # Nobody else sees it anywhere: not a teammate, not the lead, not an admin.
    for other in (close, PersonFactory(organization=org, is_org_admin=True)):
        for url in (reverse("checkins:home"), reverse("checkins:team", args=[team.pk])):
            response = client_for(other).get(url)
            assert "things have been hard lately" not in response.content.decode()


@pytest.mark.parametrize("moods", [[2, 4, 1, 3, 4], [3, 3, 3, 1, 1, 1], [1, 2], [5, 4, 3, 2, 1]])
def test_no_caring_message_otherwise(member, moods):
    _moods(member, moods)
    assert support_for(person=member) is None


def test_an_old_rough_patch_is_not_recent(member):
    today = local_day(person=member)
    for days_ago in (40, 41, 42):
        CheckInFactory(person=member, day=today - timedelta(days=days_ago), mood=1)
    assert support_for(person=member) is None


def test_people_who_left_are_not_suggested_as_someone_to_talk_to(member, org):
    gone = PersonFactory(organization=org, status=Person.Status.LEFT)
    _talk(member, gone, 1, 2, 3)
    _moods(member, [1, 1, 1])
    assert support_for(person=member).people == []
