"""The gentle morning prompt, from the check-in's side: each person's own working morning
(across a DST change too), never while on leave, never once they turned it off, and a
prompt that leads straight to today's check-in. The scheduling itself lives in
rapport.notifications (checkin_prompts_send, run by the `notifications.checkin_prompts`
periodic task); tests/notifications/test_checkin_prompt.py covers its other cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from rapport.lib.scheduler import registered_jobs
from rapport.notifications.models import Notification, NotificationPreference
from rapport.notifications.services import checkin_prompts_send
from rapport.notifications.types import Channel, NotificationType
from rapport.people.models import Person
from tests.conftest import client_for
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _walk(start: datetime, hours: int) -> None:
    """Run the prompt every quarter of an hour, twice (two workers), from `start`."""
    for quarter in range(hours * 4):
        with time_machine.travel(start + timedelta(minutes=15 * quarter), tick=False):
            checkin_prompts_send()
            checkin_prompts_send()


def _prompted_at(person: Person) -> list[datetime]:
    return list(
        Notification.objects.filter(recipient=person, type=NotificationType.CHECKIN_PROMPT)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )


def test_the_prompt_is_scheduled():
    assert "notifications.checkin_prompts" in {job.name for job in registered_jobs()}


def test_the_prompt_comes_at_nine_local_time_on_both_sides_of_the_spring_change():
    # Berlin moves its clocks forward on Sunday 29 March 2026: 09:00 is 08:00 UTC on the
    # Friday before and 07:00 UTC on the Monday after. Nobody is prompted at the weekend.
    berlin = PersonFactory(time_zone="Europe/Berlin", working_days="12345")
    _walk(datetime(2026, 3, 27, 0, 0, tzinfo=UTC), hours=4 * 24)
    assert _prompted_at(berlin) == [
        datetime(2026, 3, 27, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
    ]


def test_nobody_on_leave_is_prompted_and_they_are_again_once_back():
    away = PersonFactory(time_zone="Europe/Berlin", status=Person.Status.ON_LEAVE)
    _walk(datetime(2026, 6, 9, 6, 0, tzinfo=UTC), hours=4)  # a Tuesday morning
    assert _prompted_at(away) == []
    away.status = Person.Status.RETURNING
    away.save(update_fields=["status"])
    _walk(datetime(2026, 6, 10, 6, 0, tzinfo=UTC), hours=4)
    assert _prompted_at(away) == [datetime(2026, 6, 10, 7, 0, tzinfo=UTC)]


def test_someone_who_turned_the_prompt_off_is_not_prompted_and_can_turn_it_back_on():
    person = PersonFactory(time_zone="Europe/Berlin")
    preference = NotificationPreference.objects.create(
        person=person, type=NotificationType.CHECKIN_PROMPT, channel=Channel.OFF
    )
    _walk(datetime(2026, 6, 9, 6, 0, tzinfo=UTC), hours=4)
    assert _prompted_at(person) == []
    preference.channel = Channel.IN_APP
    preference.save(update_fields=["channel"])
    _walk(datetime(2026, 6, 10, 6, 0, tzinfo=UTC), hours=4)
    assert _prompted_at(person) == [datetime(2026, 6, 10, 7, 0, tzinfo=UTC)]


def test_the_prompt_is_gentle_and_leads_to_todays_check_in():
    person = PersonFactory(time_zone="Europe/Berlin")
    with time_machine.travel(datetime(2026, 6, 10, 7, 0, tzinfo=UTC), tick=False):
        checkin_prompts_send()
        prompt = Notification.objects.get(recipient=person)
        assert prompt.url == reverse("checkins:home")
        assert "private" in prompt.body and "streak" not in prompt.body.lower()
        page = client_for(person).get(prompt.url).content.decode()
    assert "Today, Wednesday 10 June" in page
