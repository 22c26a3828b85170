"""The daily check-in prompt: at the start of each person's working day, in their zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from rapport.notifications.models import Notification
from rapport.notifications.services import checkin_prompts_send
from rapport.notifications.types import NotificationType
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


def test_the_prompt_links_to_today(member):
    with time_machine.travel(datetime(2025, 6, 10, 9, 0, tzinfo=UTC), tick=False):
        checkin_prompts_send()
    assert Notification.objects.get().url == "/"
