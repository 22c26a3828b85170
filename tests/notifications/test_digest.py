"""Digests: one email a day or a week instead of one per notification."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine

from rapport.notifications.models import (
    Digest,
    DigestFrequency,
    EmailState,
    Notification,
    NotificationSettings,
)
from rapport.notifications.services import (
    digest_send,
    due_digests_enqueue,
    notify,
    preferences_update,
)
from rapport.notifications.types import NotificationType
from rapport.people.models import Person

from .conftest import run_queued_tasks

pytestmark = pytest.mark.django_db


def _in_berlin(person: Person, frequency: str) -> Person:
    person.time_zone = "Europe/Berlin"
    person.save()
    NotificationSettings.objects.create(person=person, digest=frequency, digest_hour=9)
    return person


def _notify_three(person: Person, on_commit) -> None:
    with on_commit():
        for n in range(3):
            notify(
                recipient=person,
                type=NotificationType.SYSTEM,
                title=f"Update {n}",
                body=f"Body {n}",
                url="/people/",
            )


def test_a_daily_digest_collects_the_days_notifications_into_one_email(
    member, smtp_server, on_commit
):
    _in_berlin(member, DigestFrequency.DAILY)
    with time_machine.travel(datetime(2025, 6, 9, 15, 0, tzinfo=UTC), tick=False):  # Mon 17:00
        _notify_three(member, on_commit)
        assert run_queued_tasks() == []  # no single emails
    with time_machine.travel(datetime(2025, 6, 10, 6, 55, tzinfo=UTC), tick=False):  # 08:55
        assert due_digests_enqueue() == 0
    with time_machine.travel(datetime(2025, 6, 10, 7, 5, tzinfo=UTC), tick=False):  # 09:05
        assert due_digests_enqueue() == 1
        run_queued_tasks()
        assert due_digests_enqueue() == 0  # this period is done

    message = smtp_server.wait_for_message(to=member.email)
    assert message.subject == "Your daily summary from Rapport"
    for n in range(3):
        assert f"Update {n}" in message.text and f"Update {n}" in (message.html or "")
    assert "/unsubscribe/" in str(message.message["List-Unsubscribe"])
    assert len(smtp_server.messages) == 1
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.DIGESTED}
    assert Digest.objects.get().period_key == "daily:2025-06-10"


def test_sending_a_digest_twice_sends_it_once(member, smtp_server, on_commit):
    _in_berlin(member, DigestFrequency.DAILY)
    with time_machine.travel(datetime(2025, 6, 10, 7, 5, tzinfo=UTC), tick=False):
        _notify_three(member, on_commit)
        first = digest_send(person_id=member.pk, period_key="daily:2025-06-10", claim="a")
        second = digest_send(person_id=member.pk, period_key="daily:2025-06-10", claim="b")
    assert (first, second) == ("sent", "done:sent")
    assert len(smtp_server.messages) == 1


def test_a_weekly_digest_comes_on_the_first_working_day(member, smtp_server, on_commit):
    _in_berlin(member, DigestFrequency.WEEKLY)
    member.working_days = "2345"  # works Tuesday to Friday
    member.save()
    with time_machine.travel(datetime(2025, 6, 5, 12, 0, tzinfo=UTC), tick=False):  # Thursday
        _notify_three(member, on_commit)
    with time_machine.travel(datetime(2025, 6, 9, 12, 0, tzinfo=UTC), tick=False):  # Monday
        assert due_digests_enqueue() == 0
    with time_machine.travel(datetime(2025, 6, 10, 7, 30, tzinfo=UTC), tick=False):  # Tue 09:30
        assert due_digests_enqueue() == 1
        run_queued_tasks()
    message = smtp_server.wait_for_message(to=member.email)
    assert message.subject == "Your weekly summary from Rapport"
    assert Digest.objects.get().period_key == "weekly:2025-W24"


def test_no_digest_while_on_leave(member, smtp_server, on_commit):
    _in_berlin(member, DigestFrequency.DAILY)
    with time_machine.travel(datetime(2025, 6, 10, 7, 5, tzinfo=UTC), tick=False):
        _notify_three(member, on_commit)
        Person.objects.filter(pk=member.pk).update(status=Person.Status.ON_LEAVE)
        assert due_digests_enqueue() == 0
        assert digest_send(person_id=member.pk, period_key="daily:2025-06-10", claim="a") == (
            "skipped:silent"
        )
    smtp_server.assert_nothing_sent()


def test_turning_the_digest_off_sends_what_was_waiting(member, smtp_server, on_commit):
    _in_berlin(member, DigestFrequency.DAILY)
    with time_machine.travel(datetime(2025, 6, 10, 12, 0, tzinfo=UTC), tick=False):
        _notify_three(member, on_commit)
        with on_commit():
            preferences_update(
                person=member,
                channels={},
                quiet_hours_start=time(20, 0),
                quiet_hours_end=time(8, 0),
                respect_working_days=True,
                digest=DigestFrequency.OFF,
                digest_hour=9,
            )
        run_queued_tasks()
    assert len([smtp_server.wait_for_message(to=member.email) for _ in range(3)]) == 3
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}
