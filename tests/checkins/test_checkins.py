"""Daily check-ins: one per person per local day, private by default, editable that day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from rapport.checkins.models import CheckIn, Visibility
from rapport.checkins.services import checkin_save, local_day
from tests.conftest import client_for
from tests.factories import PersonFactory

from .factories import CheckInFactory

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)


def test_a_member_checks_in_from_the_page_and_finds_it_there_again(member, member_client):
    page = member_client.get(reverse("checkins:home"))
    assert page.status_code == 200
    assert "How are you really doing today?" in page.content.decode()
    response = member_client.post(
        reverse("checkins:home"), {"mood": "2", "note": "Deadline stress", "visibility": "private"}
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert (checkin.person, checkin.mood, checkin.note, checkin.visibility) == (
        member,
        2,
        "Deadline stress",
        Visibility.PRIVATE,
    )
    assert checkin.day == local_day(person=member)
    again = member_client.get(reverse("checkins:home")).content.decode()
    assert "Update my check-in" in again and "Deadline stress" in again


def test_private_is_the_default(member):
    checkin, created = checkin_save(person=member, mood=3)
    assert created and checkin.visibility == Visibility.PRIVATE


def test_checking_in_again_the_same_day_changes_that_days_check_in(member, member_client):
    member_client.post(reverse("checkins:home"), {"mood": "2", "visibility": "private"})
    member_client.post(
        reverse("checkins:home"), {"mood": "4", "note": "Better", "visibility": "team_mood"}
    )
    checkin = CheckIn.objects.get()
    assert (checkin.mood, checkin.note, checkin.visibility) == (4, "Better", "team_mood")


def test_the_next_local_day_is_a_new_check_in(member):
    with time_machine.travel(TUESDAY, tick=False):
        checkin_save(person=member, mood=2)
    with time_machine.travel(TUESDAY + timedelta(days=1), tick=False):
        _, created = checkin_save(person=member, mood=4)
    assert created
    assert list(CheckIn.objects.order_by("day").values_list("mood", flat=True)) == [2, 4]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"visibility": "private"}, "Choose how you are doing"),
        ({"mood": "6", "visibility": "private"}, "Select a valid choice"),
        ({"mood": "3", "visibility": "everyone"}, "Select a valid choice"),
        ({"mood": "3", "visibility": "private", "note": "x" * 2001}, "at most 2000"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(member_client, data, error):
    response = member_client.post(reverse("checkins:home"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_service_refuses_a_mood_off_the_scale_and_an_unknown_audience(member):
    with pytest.raises(ValidationError):
        checkin_save(person=member, mood=0)
    with pytest.raises(ValidationError):
        checkin_save(person=member, mood=3, visibility="manager")
    assert not CheckIn.objects.exists()


def test_the_note_is_encrypted_at_rest(member):
    checkin_save(person=member, mood=2, note="I feel invisible in meetings")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM checkins_checkin")
        (raw,) = cursor.fetchone()
    assert "invisible" not in raw
    assert CheckIn.objects.get().note == "I feel invisible in meetings"


# --- DST: the local day, not UTC, and not 24 hours ------------------------------------------


def test_one_per_local_day_holds_across_the_spring_dst_change_in_berlin():
    berlin = PersonFactory(time_zone="Europe/Berlin")
    # 28 March 2026, 23:30 CET (UTC+1) and, one hour later, 29 March 00:30 CET: two days.
    with time_machine.travel(datetime(2026, 3, 28, 22, 30, tzinfo=UTC), tick=False):
        _, first = checkin_save(person=berlin, mood=3)
    with time_machine.travel(datetime(2026, 3, 28, 23, 30, tzinfo=UTC), tick=False):
        _, second = checkin_save(person=berlin, mood=4)
    assert first and second
    # 29 March is 23 hours long: at 23:50 CEST (UTC+2) it is still the same day, 23h20m later.
    with time_machine.travel(datetime(2026, 3, 29, 21, 50, tzinfo=UTC), tick=False):
        _, third = checkin_save(person=berlin, mood=5)
    assert not third
    # Ten minutes later it is 30 March in Berlin (still 29 March in UTC): a new day.
    with time_machine.travel(datetime(2026, 3, 29, 22, 0, tzinfo=UTC), tick=False):
        _, fourth = checkin_save(person=berlin, mood=2)
    assert fourth
    assert list(CheckIn.objects.order_by("day").values_list("day", "mood")) == [
        (date(2026, 3, 28), 3),
        (date(2026, 3, 29), 5),
        (date(2026, 3, 30), 2),
    ]


def test_the_autumn_change_gives_a_25_hour_day_that_is_still_one_day():
    berlin = PersonFactory(time_zone="Europe/Berlin")
    # 25 October 2026: 00:05 CEST is 22:05 UTC the day before; 23:55 CET is 22:55 UTC.
    with time_machine.travel(datetime(2026, 10, 24, 22, 5, tzinfo=UTC), tick=False):
        checkin_save(person=berlin, mood=3)
    with time_machine.travel(datetime(2026, 10, 25, 22, 55, tzinfo=UTC), tick=False):
        _, created = checkin_save(person=berlin, mood=4)
    assert not created
    assert list(CheckIn.objects.values_list("day", "mood")) == [(date(2026, 10, 25), 4)]


# --- history ---------------------------------------------------------------------------------


def test_my_history_shows_a_chart_with_a_table_alternative_and_my_notes(member, member_client):
    today = local_day(person=member)
    CheckInFactory(person=member, day=today, mood=5, note="Shipped it")
    CheckInFactory(person=member, day=today - timedelta(days=3), mood=1, note="")
    CheckInFactory(person=member, day=today - timedelta(days=100), mood=2, note="Long ago")
    body = member_client.get(reverse("checkins:history")).content.decode()
    assert '<svg class="mood-chart"' in body and 'role="img"' in body
    assert body.count("<rect ") == 2  # the check-in 100 days ago is outside the chart
    assert "2 check-ins in the last 90 days" in body
    assert "<table>" in body and "5 · Great" in body and "1 · Rough" in body
    assert "Shipped it" in body and "Long ago" in body  # the notes list goes further back
    assert "streak" not in body.replace("no streak to keep", "")


def test_the_history_page_uses_the_same_number_of_queries_however_long_the_history(
    member, member_client, django_assert_max_num_queries
):
    today = local_day(person=member)
    CheckInFactory(person=member, day=today)
    with django_assert_max_num_queries(50) as few:
        member_client.get(reverse("checkins:history"))
    for n in range(1, 60):
        CheckInFactory(person=member, day=today - timedelta(days=n), note=f"note {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        member_client.get(reverse("checkins:history"))
    assert "Page 1 of 3" in member_client.get(reverse("checkins:history")).content.decode()


def test_the_home_page_uses_a_constant_number_of_queries(
    member, member_client, django_assert_max_num_queries
):
    today = local_day(person=member)
    with django_assert_max_num_queries(50) as few:
        member_client.get(reverse("checkins:home"))
    for n in range(30):
        CheckInFactory(person=member, day=today - timedelta(days=n), mood=1 + n % 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        member_client.get(reverse("checkins:home"))


def test_sharing_of_an_earlier_day_can_be_changed_but_only_for_my_own(member, member_client, org):
    mine = CheckInFactory(
        person=member, day=date(2025, 1, 2), visibility=Visibility.TEAM_NOTE, note="old"
    )
    theirs = CheckInFactory(person=PersonFactory(organization=org), visibility="team_note")
    response = member_client.post(
        reverse("checkins:set_visibility", args=[mine.pk]), {"visibility": "private"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.visibility == Visibility.PRIVATE
    refused = member_client.post(
        reverse("checkins:set_visibility", args=[theirs.pk]), {"visibility": "private"}
    )
    assert refused.status_code == 404
    bad = member_client.post(
        reverse("checkins:set_visibility", args=[mine.pk]), {"visibility": "world"}, follow=True
    )
    assert "Choose who may see this check-in." in bad.content.decode()


def test_an_earlier_day_itself_cannot_be_rewritten(member):
    with time_machine.travel(TUESDAY, tick=False):
        checkin_save(person=member, mood=1, note="Bad day")
    with time_machine.travel(TUESDAY + timedelta(days=1), tick=False):
        checkin_save(person=member, mood=5)
    assert CheckIn.objects.get(day=date(2025, 6, 10)).mood == 1


def test_pages_need_a_signed_in_person(client):
    response = client.get(reverse("checkins:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_someone_else_never_sees_my_check_in_on_their_page(member, org, team):
    checkin_save(person=member, mood=1, note="Secret worry", visibility="private")
    other = PersonFactory(organization=org)
    body = client_for(other).get(reverse("checkins:home")).content.decode()
    assert "Secret worry" not in body
