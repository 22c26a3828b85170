"""notify(): the one service every capability calls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django_tasks_db.models import DBTaskResult

from rapport.notifications.models import (
    DigestFrequency,
    EmailState,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from rapport.notifications.services import notify
from rapport.notifications.types import Channel, NotificationType
from rapport.people.models import Person

pytestmark = pytest.mark.django_db

# A Tuesday, 10:00 in London: inside working hours, outside quiet hours.
TUESDAY_MORNING = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _tuesday_morning():
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        yield


def _notify(person: Person, **kwargs: Any) -> Notification | None:
    arguments: dict[str, Any] = {
        "recipient": person,
        "type": NotificationType.SYSTEM,
        "title": "Hello",
        "body": "Something for you.",
        "url": "/people/",
    }
    return notify(**(arguments | kwargs))


def test_it_puts_the_notification_in_the_inbox_and_queues_its_email_after_commit(member, on_commit):
    with on_commit():
        notification = _notify(member)
        assert DBTaskResult.objects.count() == 0  # nothing queued before the commit
    assert notification is not None
    assert notification.in_app and notification.read_at is None
    assert notification.email_state == EmailState.PENDING
    assert notification.email_due_at == TUESDAY_MORNING
    task = DBTaskResult.objects.get()
    assert task.task_path == "rapport.notifications.tasks.send_notification_email"
    assert task.args_kwargs == {"args": [notification.pk], "kwargs": {}}


def test_the_same_dedupe_key_notifies_once(member, on_commit):
    with on_commit():
        first = _notify(member, dedupe_key="kudos:42")
        second = _notify(member, dedupe_key="kudos:42", title="Different")
    assert first == second
    assert Notification.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_a_dedupe_key_is_per_recipient(member, lead):
    assert _notify(member, dedupe_key="round:1") != _notify(lead, dedupe_key="round:1")


@pytest.mark.parametrize("status", [Person.Status.ON_LEAVE, Person.Status.LEFT])
def test_it_tells_nobody_on_leave_or_gone_anything(member, status, on_commit):
    member.status = status
    member.save()
    with on_commit():
        assert _notify(member) is None
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_type_turned_off_is_not_sent_at_all(member):
    NotificationPreference.objects.create(
        person=member, type=NotificationType.SYSTEM, channel=Channel.OFF
    )
    assert _notify(member) is None
    assert not Notification.objects.exists()


def test_in_app_only_sends_no_email(member, on_commit):
    NotificationPreference.objects.create(
        person=member, type=NotificationType.SYSTEM, channel=Channel.IN_APP
    )
    with on_commit():
        notification = _notify(member)
    assert notification is not None and notification.in_app
    assert notification.email_state == EmailState.SKIPPED
    assert not DBTaskResult.objects.exists()


def test_email_only_stays_out_of_the_inbox(member, on_commit):
    NotificationPreference.objects.create(
        person=member, type=NotificationType.SYSTEM, channel=Channel.EMAIL
    )
    with on_commit():
        notification = _notify(member)
    assert notification is not None and not notification.in_app
    assert notification.email_state == EmailState.PENDING
    assert DBTaskResult.objects.count() == 1


def test_the_check_in_prompt_defaults_to_the_inbox_only(member, on_commit):
    with on_commit():
        notification = _notify(member, type=NotificationType.CHECKIN_PROMPT)
    assert notification is not None and notification.email_state == EmailState.SKIPPED


def test_with_a_digest_the_email_waits_for_it(member, on_commit):
    NotificationSettings.objects.create(person=member, digest=DigestFrequency.DAILY)
    with on_commit():
        notification = _notify(member)
    assert notification is not None and notification.email_state == EmailState.DIGEST
    assert not DBTaskResult.objects.exists()


def test_in_quiet_hours_the_email_is_queued_for_the_morning(member, on_commit):
    evening = datetime(2025, 6, 10, 21, 30, tzinfo=UTC)  # 22:30 in London
    with time_machine.travel(evening, tick=False), on_commit():
        notification = _notify(member)
    assert notification is not None
    morning = datetime(2025, 6, 11, 7, 0, tzinfo=UTC)  # 08:00 in London (BST)
    assert notification.email_due_at == morning
    assert DBTaskResult.objects.get().run_after == morning


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "people/"]
)
def test_it_links_only_to_pages_inside_rapport(member, url):
    with pytest.raises(ValidationError):
        _notify(member, url=url)
    assert not Notification.objects.exists()


def test_it_refuses_unknown_types(member):
    with pytest.raises(ValidationError):
        _notify(member, type="made_up")


def test_long_text_is_shortened_not_refused(member):
    notification = _notify(member, title="t" * 500, body="b" * 2000)
    assert notification is not None
    assert len(notification.title) == 200 and notification.title.endswith("…")
    assert len(notification.body) == 500


def test_what_someone_is_told_is_encrypted_at_rest(member):
    notification = notify(
        recipient=member, type="system", title="A word", body="Thanks for staying late with me"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT body FROM {Notification._meta.db_table} WHERE id = %s", [notification.pk]
        )
        (raw,) = cursor.fetchone()
    assert "staying late" not in raw
    assert Notification.objects.get(pk=notification.pk).body == "Thanks for staying late with me"
