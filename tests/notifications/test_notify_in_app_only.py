"""notify(email=False): in the inbox only, for callers that send their own email."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from rapport.notifications.models import EmailState, Notification, NotificationPreference
from rapport.notifications.services import notify
from rapport.notifications.types import Channel, NotificationType

pytestmark = pytest.mark.django_db

TUESDAY_MORNING = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _tuesday_morning():
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        yield


def _notify(person, **kwargs):  # type: ignore[no-untyped-def]
    return notify(
        recipient=person, type=NotificationType.CARE, title="Booked", url="/care/", **kwargs
    )


@pytest.mark.parametrize("channel", [None, Channel.BOTH])
def test_without_email_it_lands_in_the_inbox_and_queues_no_email(member, on_commit, channel):
    if channel is not None:
        NotificationPreference.objects.create(
            person=member, type=NotificationType.CARE, channel=channel
        )
    with on_commit():
        notification = _notify(member, email=False)
    assert notification is not None and notification.in_app
    assert notification.email_state == EmailState.SKIPPED
    assert notification.email_due_at is None
    assert not DBTaskResult.objects.exists()
    # The default still emails, so the difference is the parameter's.
    with on_commit():
        other = _notify(member, dedupe_key="second")
    assert other is not None and other.email_state == EmailState.PENDING
    assert DBTaskResult.objects.count() == 1


def test_without_email_someone_who_wants_email_only_gets_nothing(member, on_commit):
    NotificationPreference.objects.create(
        person=member, type=NotificationType.CARE, channel=Channel.EMAIL
    )
    with on_commit():
        assert _notify(member, email=False) is None
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_without_email_a_type_turned_off_stays_off(member):
    NotificationPreference.objects.create(
        person=member, type=NotificationType.CARE, channel=Channel.OFF
    )
    assert _notify(member, email=False) is None
    assert not Notification.objects.exists()
