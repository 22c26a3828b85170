"""The check-ins API, through HTTP with personal access tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from rapport.checkins.models import CheckIn, CheckOn
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.people.models import Person
from rapport.web.capabilities import capability_url
from tests.api import bearer, send
from tests.factories import InteractionFactory, MembershipFactory, PersonFactory

from .factories import CheckInFactory, CheckOnFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_member(member):
    client = Client(headers=bearer(member))
    return client


def test_check_in_for_today_then_change_it_and_read_it(as_member, member):
    created = send(as_member, "PUT", "/checkins/today", {"mood": 2, "note": "Tired"})
    assert created.status_code == 201, created.content
    assert created.json()["mood_label"] == "Low" and created.json()["visibility"] == "private"
    changed = send(as_member, "PUT", "/checkins/today", {"mood": 4, "visibility": "team_mood"})
    assert changed.status_code == 200 and changed.json()["id"] == created.json()["id"]
    assert CheckIn.objects.get().note == ""  # a PUT replaces today's check-in whole
    today = send(as_member, "GET", "/checkins/today").json()
    assert today["checkin"]["mood"] == 4 and today["support"] is None
    assert today["day"] == created.json()["day"]


def test_today_is_null_before_checking_in(as_member):
    assert send(as_member, "GET", "/checkins/today").json()["checkin"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"mood": 0},
        {"mood": 6},
        {"mood": "great"},
        {"mood": 3, "visibility": "everyone"},
        {"mood": 3, "note": "x" * 2001},
        {"mood": 3, "note": "nul\x00"},
        {"mood": 3, "extra": 1},
        {},
    ],
)
def test_bad_check_ins_are_422_and_save_nothing(as_member, body):
    response = send(as_member, "PUT", "/checkins/today", body)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert not CheckIn.objects.exists()


def test_my_check_ins_are_paginated_with_constant_queries(
    as_member, member, django_assert_max_num_queries
):
    CheckInFactory(person=member, day=date(2025, 1, 1))
    with django_assert_max_num_queries(20) as few:
        send(as_member, "GET", "/checkins")
    for n in range(1, 40):
        CheckInFactory(person=member, day=date(2025, 1, 1) + timedelta(days=n), note=f"n{n}")
    CheckInFactory(person=PersonFactory(organization=member.organization))  # not mine
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = send(as_member, "GET", "/checkins?page_size=25").json()
    assert page["count"] == 40 and page["pages"] == 2
    assert page["items"][0]["day"] == "2025-02-09"


def test_sharing_can_be_changed_for_my_own_check_ins_only(as_member, member, org):
    mine = CheckInFactory(person=member, visibility="team_note")
    theirs = CheckInFactory(person=PersonFactory(organization=org), visibility="team_note")
    ok = send(as_member, "PUT", f"/checkins/{mine.pk}/visibility", {"visibility": "private"})
    assert ok.status_code == 200 and ok.json()["visibility"] == "private"
    refused = send(as_member, "PUT", f"/checkins/{theirs.pk}/visibility", {"visibility": "private"})
    assert refused.status_code == 404


def test_team_shared_shows_notes_only_when_shared(as_member, member, team):
    mate = PersonFactory(organization=member.organization, display_name="Sam Mate")
    MembershipFactory(person=mate, team=team)
    hidden = PersonFactory(organization=member.organization)
    MembershipFactory(person=hidden, team=team)
    CheckInFactory(person=mate, visibility="team_mood", note="not for you")
    CheckInFactory(person=hidden, visibility="private", note="private")
    items = send(as_member, "GET", f"/checkins/teams/{team.pk}/shared").json()["items"]
    assert [(i["person_name"], i["note"]) for i in items] == [("Sam Mate", None)]


def test_team_figures_are_for_leads_and_admins_and_gated(as_member, lead, admin, team):
    assert send(as_member, "GET", f"/checkins/teams/{team.pk}/figures").status_code == 403
    with time_machine.travel(datetime(2026, 6, 10, 12, 0, tzinfo=UTC), tick=False):
        for _ in range(5):
            mate = PersonFactory(organization=team.organization)
            MembershipFactory(person=mate, team=team)
            CheckInFactory(person=mate, day=date(2026, 6, 2), mood=4)
        response = send(Client(headers=bearer(lead)), "GET", f"/checkins/teams/{team.pk}/figures")
    weeks = response.json()["weeks"]
    assert weeks[0] == {
        "week": "2026-W23",
        "week_start": "2026-06-01",
        "released": True,
        "message": None,
        "people": 5,
        "average_mood": 4.0,
        "distribution": {"1": 0, "2": 0, "3": 0, "4": 5, "5": 0},
    }
    assert weeks[1]["released"] is False
    assert weeks[1]["message"] == "Not shown, so that no one can be singled out."
    assert weeks[1]["average_mood"] is None
    admin_view = send(Client(headers=bearer(admin)), "GET", f"/checkins/teams/{team.pk}/figures")
    assert admin_view.status_code == 200
    assert (
        send(Client(headers=bearer(admin)), "GET", f"/checkins/teams/{team.pk}/shared").status_code
        == 403
    )


def test_a_check_on_conversation_through_the_api(as_member, member, org):
    sam = PersonFactory(organization=org, display_name="Sam Quiet")
    templates = send(as_member, "GET", "/check-ons/templates").json()
    assert {t["key"] for t in templates} >= {"quieter", "coffee"}
    created = send(
        as_member, "POST", "/check-ons", {"recipient_id": sam.pk, "message": "Everything okay?"}
    )
    assert created.status_code == 201, created.content
    thread_id = created.json()["id"]
    assert created.json()["recipient"] == {"id": sam.pk, "display_name": "Sam Quiet"}
    as_sam = Client(headers=bearer(sam))
    reply = send(as_sam, "POST", f"/check-ons/{thread_id}/replies", {"message": "Yes, thanks!"})
    assert reply.status_code == 201 and reply.json()["author_id"] == sam.pk
    thread = send(as_member, "GET", f"/check-ons/{thread_id}").json()
    assert [r["message"] for r in thread["replies"]] == ["Yes, thanks!"]
    listed = send(as_sam, "GET", "/check-ons").json()["items"]
    assert listed[0]["id"] == thread_id and listed[0]["replies"] == 1
    assert set(Interaction.objects.values_list("kind", flat=True)) == {
        Kind.CHECKED_ON,
        Kind.REPLIED,
    }
    assert Notification.objects.filter(recipient=sam).count() == 1


def test_check_on_errors(as_member, member, org, outsider):
    gone = PersonFactory(organization=org, status=Person.Status.LEFT)
    to_self = send(as_member, "POST", "/check-ons", {"recipient_id": member.pk, "message": "Hi"})
    assert to_self.status_code == 422 and "That's you" in to_self.json()["detail"]
    left = send(as_member, "POST", "/check-ons", {"recipient_id": gone.pk, "message": "Hi"})
    assert left.status_code == 422 and "has left" in left.json()["detail"]
    other_org = send(
        as_member, "POST", "/check-ons", {"recipient_id": outsider.pk, "message": "Hi"}
    )
    assert other_org.status_code == 404
    sam = PersonFactory(organization=org)
    for message in ("", "   ", "x" * 1001):
        response = send(
            as_member, "POST", "/check-ons", {"recipient_id": sam.pk, "message": message}
        )
        assert response.status_code == 422, message
    assert not CheckOn.objects.exists()


def test_strangers_cannot_read_or_reply(as_member, org):
    check_on = CheckOnFactory(
        sender=PersonFactory(organization=org), recipient=PersonFactory(organization=org)
    )
    assert send(as_member, "GET", f"/check-ons/{check_on.pk}").status_code == 404
    reply = send(as_member, "POST", f"/check-ons/{check_on.pk}/replies", {"message": "Hi"})
    assert reply.status_code == 404


def test_the_check_ons_list_uses_constant_queries(
    as_member, member, org, django_assert_max_num_queries
):
    CheckOnFactory(sender=member, recipient=PersonFactory(organization=org))
    with django_assert_max_num_queries(20) as few:
        send(as_member, "GET", "/check-ons")
    for _ in range(15):
        CheckOnFactory(sender=PersonFactory(organization=org), recipient=member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert send(as_member, "GET", "/check-ons").json()["count"] == 16


def test_reach_out_suggestions_through_the_api(as_member, member, org):
    old_friend = PersonFactory(organization=org, display_name="Olly Oldfriend")
    now = datetime.now(UTC)
    for days in (100, 90, 80):
        InteractionFactory(
            actor=member, other=old_friend, kind=Kind.MET, occurred_at=now - timedelta(days=days)
        )
    [item] = send(as_member, "GET", "/checkins/reach-out").json()
    assert item["person_id"] == old_friend.pk and item["interactions_then"] == 3
    assert "nothing in the last 11 weeks" in item["explanation"]


def test_the_caring_message_through_the_api(as_member, member):
    today = send(as_member, "GET", "/checkins/today").json()["day"]
    day = date.fromisoformat(today)
    for n, mood in enumerate([1, 2, 1]):
        CheckInFactory(person=member, day=day - timedelta(days=n), mood=mood)
    support = send(as_member, "GET", "/checkins/today").json()["support"]
    assert support["low_checkins"] == 3
    assert support["care_url"] == capability_url("care") == "/care/"
    assert support["guides_url"] == capability_url("guides") == "/guides/"


def test_the_90_day_history_for_a_chart_has_every_day_and_only_my_moods(
    as_member, member, django_assert_max_num_queries
):
    with time_machine.travel(datetime(2026, 6, 10, 12, 0, tzinfo=UTC), tick=False):
        CheckInFactory(person=member, day=date(2026, 6, 10), mood=4, note="secret-ish")
        CheckInFactory(person=member, day=date(2026, 3, 13), mood=1)  # the window's first day
        CheckInFactory(person=member, day=date(2026, 3, 12), mood=5)  # one day too old
        CheckInFactory(person=PersonFactory(organization=member.organization), mood=2)
        with django_assert_max_num_queries(12) as few:
            history = send(as_member, "GET", "/checkins/history").json()
        for n in range(1, 60):
            CheckInFactory(person=member, day=date(2026, 6, 10) - timedelta(days=n), mood=3)
        with django_assert_max_num_queries(len(few.captured_queries)):
            fuller = send(as_member, "GET", "/checkins/history").json()
    assert (history["start"], history["end"]) == ("2026-03-13", "2026-06-10")
    assert len(history["days"]) == 90 and history["checked_in"] == 2
    assert history["days"][0] == {"day": "2026-03-13", "mood": 1, "mood_label": "Rough"}
    assert history["days"][-1] == {"day": "2026-06-10", "mood": 4, "mood_label": "Good"}
    assert history["days"][1] == {"day": "2026-03-14", "mood": None, "mood_label": None}
    assert "secret-ish" not in str(history)
    assert fuller["checked_in"] == 61 and len(fuller["days"]) == 90
