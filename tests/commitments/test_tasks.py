"""The periodic jobs: registered, thin, and safe to run twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from rapport.commitments import tasks
from rapport.commitments.states import State
from rapport.lib.scheduler import registered_jobs
from rapport.notifications.models import Notification

from .factories import promise

pytestmark = pytest.mark.django_db


def test_the_jobs_run_every_five_minutes():
    jobs = {job.name: job.every for job in registered_jobs()}
    assert jobs["commitments.reminders"] == timedelta(minutes=5)
    assert jobs["commitments.sweep"] == timedelta(minutes=5)


def test_running_the_jobs_twice_changes_nothing_more(member, colleague):
    now = timezone.now()
    c = promise(member, colleague, due_in=timedelta(hours=3), now=now)
    with time_machine.travel(now + timedelta(hours=1), tick=False):
        assert tasks.send_due_reminders.call(period_key="p") == 1  # two hours to go
        assert tasks.send_due_reminders.call(period_key="p") == 0
    with time_machine.travel(now + timedelta(hours=3, minutes=1), tick=False):
        assert tasks.sweep_commitments.call(period_key="p") == {"missed": 1, "auto_confirmed": 0}
        assert tasks.sweep_commitments.call(period_key="p") == {"missed": 0, "auto_confirmed": 0}
        tasks.send_due_reminders.call(period_key="p")
        tasks.send_due_reminders.call(period_key="p")
    c.refresh_from_db()
    assert c.state == State.MISSED
    # The at-due reminder and the missed notice share a key: the promiser hears once.
    assert Notification.objects.filter(recipient=member, type="commitment_reminder").count() == 2
