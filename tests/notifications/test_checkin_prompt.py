"""The daily check-in prompt: at the start of each person's working day, in their zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from rapport.checkins.services import checkin_save
from rapport.notifications.models import Notification, NotificationPreference
from rapport.notifications.services import checkin_prompts_send
from rapport.notifications.types import Channel, NotificationType
from rapport.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _prompts() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(type=NotificationType.CHECKIN_PROMPT).values_list(
            "recipient__display_name", "dedupe_key"
        )
    )


def test_each_person_is_prompted_once_at_their_own_morning_across_a_day():
    berlin = PersonFactory(display_name="Berlin", time_zone="Europe/Berlin")
    new_york = PersonFactory(display_name="New York", time_zone="America/New_York")
    PersonFactory(display_name="Weekend", time_zone="Europe/Berlin", working_days="67")
    PersonFactory(display_name="Away", time_zone="Europe/Berlin", status=Person.Status.ON_LEAVE)
    start = datetime(2025, 6, 10, 0, 0, tzinfo=UTC)  # a Tuesday
    for quarter in range(4 * 24):
        with time_machine.travel(start + timedelta(minutes=15 * quarter), tick=False):
            checkin_prompts_send()
            checkin_prompts_send()  # a second worker in the same period
    assert _prompts() == [
        ("Berlin", "checkin_prompt:2025-06-10"),
        ("New York", "checkin_prompt:2025-06-10"),
    ]
    created = dict(Notification.objects.values_list("recipient__display_name", "created_at"))
    assert created["Berlin"].astimezone(berlin.tz).time() == time(9, 0)
    assert created["New York"].astimezone(new_york.tz).time() == time(9, 0)


def test_someone_starting_late_is_prompted_at_their_work_start():
    PersonFactory(display_name="Late", time_zone="Asia/Tokyo", work_start=time(11, 30))
    with time_machine.travel(datetime(2025, 6, 10, 2, 15, tzinfo=UTC), tick=False):  # 11:15
        assert checkin_prompts_send() == 0
    with time_machine.travel(datetime(2025, 6, 10, 2, 30, tzinfo=UTC), tick=False):  # 11:30
        assert checkin_prompts_send() == 1


def test_a_worker_that_was_down_at_nine_still_prompts_later_that_working_day():
    PersonFactory(display_name="Berlin", time_zone="Europe/Berlin")
    with time_machine.travel(datetime(2025, 6, 10, 11, 0, tzinfo=UTC), tick=False):  # 13:00
        assert checkin_prompts_send() == 1
    with time_machine.travel(datetime(2025, 6, 10, 16, 0, tzinfo=UTC), tick=False):  # 18:00
        assert checkin_prompts_send() == 0


def test_the_prompt_links_to_the_check_in_page(member):
    with time_machine.travel(datetime(2025, 6, 10, 9, 0, tzinfo=UTC), tick=False):
        checkin_prompts_send()
    assert Notification.objects.get().url == reverse("checkins:home") == "/checkins/"


def test_someone_who_already_checked_in_that_local_day_is_not_prompted():
    early = PersonFactory(display_name="Early bird", time_zone="Europe/Berlin")
    PersonFactory(display_name="Later", time_zone="Europe/Berlin")
    # 07:30 in Berlin: Early bird checks in before the working day starts.
    with time_machine.travel(datetime(2025, 6, 10, 5, 30, tzinfo=UTC), tick=False):
        checkin_save(person=early, mood=4)
    with time_machine.travel(datetime(2025, 6, 10, 7, 0, tzinfo=UTC), tick=False):  # 09:00
        assert checkin_prompts_send() == 1
    assert _prompts() == [("Later", "checkin_prompt:2025-06-10")]
    # The next working day, yesterday's check-in doesn't count.
    with time_machine.travel(datetime(2025, 6, 11, 7, 0, tzinfo=UTC), tick=False):
        assert checkin_prompts_send() == 2


def test_a_check_in_late_the_evening_before_does_not_skip_the_next_morning():
    # 23:30 in New York on the 9th is already the 10th in UTC: the local day is what counts.
    new_york = PersonFactory(display_name="New York", time_zone="America/New_York")
    with time_machine.travel(datetime(2025, 6, 10, 3, 30, tzinfo=UTC), tick=False):
        checkin_save(person=new_york, mood=3)
    with time_machine.travel(datetime(2025, 6, 10, 13, 0, tzinfo=UTC), tick=False):  # 09:00
        assert checkin_prompts_send() == 1


def test_people_on_leave_or_who_turned_the_prompt_off_are_still_not_prompted():
    PersonFactory(display_name="Away", time_zone="Europe/Berlin", status=Person.Status.ON_LEAVE)
    off = PersonFactory(display_name="Off", time_zone="Europe/Berlin")
    NotificationPreference.objects.create(
        person=off, type=NotificationType.CHECKIN_PROMPT, channel=Channel.OFF
    )
    with time_machine.travel(datetime(2025, 6, 10, 7, 0, tzinfo=UTC), tick=False):
        assert checkin_prompts_send() == 0
    assert _prompts() == []
