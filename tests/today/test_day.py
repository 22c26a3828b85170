"""Today's "Your day": the person's check-in, promises coming due, invitations to talk and
their current pairing group, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.checkins.services import checkin_save
from rapport.pairing import services as pairing
from rapport.pairing.models import GroupMember
from tests.commitments.factories import promise
from tests.pairing.test_services import settings as program_settings
from tests.roadblocks.factories import RoadblockFactory, TalkInvitationFactory

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def _day(client) -> str:
    return client.get(reverse("today")).content.decode()


def test_it_invites_a_check_in_until_there_is_one(member_client, member):
    assert "How are you really doing today?" in _day(member_client)
    checkin_save(person=member, mood=4)
    assert "You checked in: <strong>Good</strong>" in _day(member_client)


def test_it_lists_my_promises_due_within_two_days_only(member_client, member, lead):
    promise(member, lead, text="send the slides", due_in=timedelta(hours=5))
    promise(member, lead, text="review the budget", due_in=timedelta(days=6))
    promise(lead, member, text="lead's own promise", due_in=timedelta(hours=5))
    page = _day(member_client)
    assert "send the slides" in page
    assert "review the budget" not in page and "lead&#x27;s own promise" not in page


def test_it_counts_invitations_to_talk_waiting_for_me(member_client, member, lead):
    roadblock = RoadblockFactory(author=lead, person=member)
    TalkInvitationFactory(roadblock=roadblock)
    assert "1 colleague would like to talk with you" in _day(member_client)


def test_it_links_my_current_pairing_group(member_client, member, admin, org):
    PersonFactory.create_batch(3, organization=org)
    program = pairing.program_create(actor=admin, settings=program_settings(name="Coffee"))
    made = pairing.round_run_now(program=program, actor=admin, now=timezone.now())
    mine = GroupMember.objects.filter(person=member, group__round=made).exists()
    page = _day(member_client)
    assert (reverse("pairing:round_detail", args=[made.pk]) in page) == mine
    assert mine, "everyone in a pool of six should be placed"


def test_the_day_costs_the_same_queries_however_much_there_is(member_client, member, lead):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            member_client.get(reverse("today"))
        return len(captured)

    promise(member, lead, due_in=timedelta(hours=3))
    few = queries()
    for n in range(6):
        promise(member, lead, text=f"promise {n}", due_in=timedelta(hours=n + 1))
        TalkInvitationFactory(
            roadblock=RoadblockFactory(
                author=PersonFactory(organization=member.organization), person=member
            )
        )
    checkin_save(person=member, mood=2)
    assert queries() == few
