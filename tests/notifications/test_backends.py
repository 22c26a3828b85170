"""The same tasks on other django-tasks backends: the switch from the database queue to a
Redis or broker backend is a settings change (README, "Background work"). Here the
backends' own test doubles stand in: DummyBackend records what is enqueued without running
it, ImmediateBackend runs it at once in the calling process."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django_tasks import TaskContext, default_task_backend
from django_tasks_db.models import DBTaskResult

from rapport.lib.models import ScheduledRun
from rapport.lib.scheduler import scheduler_tick
from rapport.notifications.models import EmailState, Notification
from rapport.notifications.services import notify, overdue_emails_enqueue
from rapport.notifications.tasks import send_notification_email
from rapport.notifications.types import NotificationType

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TUESDAY_MORNING = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)  # 10:00 in London


def _notify(person, on_commit) -> Notification:
    with on_commit():
        notification = notify(
            recipient=person, type=NotificationType.WELCOME, title="Welcome", url="/"
        )
    assert notification is not None
    return notification


def test_on_another_backend_the_same_tasks_are_enqueued_with_the_same_arguments(
    member, settings, smtp_server, on_commit
):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        notification = _notify(member, on_commit)
        report = scheduler_tick()
    assert not DBTaskResult.objects.exists()  # nothing went to the database queue

    results = default_task_backend.results
    paths = sorted(result.task.module_path for result in results)
    assert "rapport.notifications.tasks.send_notification_email" in paths
    # Every periodic job claimed by the tick went to that backend too.
    assert ScheduledRun.objects.count() == len(report.enqueued) > 0
    assert "rapport.notifications.tasks.send_checkin_prompts" in paths
    assert len(results) == len(report.enqueued) + 1

    # A worker of that backend runs the very same function with the same arguments.
    [email_task] = [r for r in results if r.task.func is send_notification_email.func]
    assert email_task.args == [notification.pk]
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        outcome = email_task.task.call(TaskContext(task_result=email_task), *email_task.args)
    assert outcome == "sent"
    assert smtp_server.wait_for_message(to=member.email).subject == "Welcome to Rapport"


def test_deferred_email_keeps_its_time_on_a_backend_that_can_defer(member, settings, on_commit):
    settings.TASKS = DUMMY
    default_task_backend.clear()
    with time_machine.travel(datetime(2025, 6, 10, 22, 0, tzinfo=UTC), tick=False):
        _notify(member, on_commit)
    [result] = default_task_backend.results
    assert result.task.run_after == datetime(2025, 6, 11, 7, 0, tzinfo=UTC)


def test_the_immediate_backend_sends_at_commit_and_holds_quiet_hours_for_the_overdue_job(
    member, settings, smtp_server, on_commit
):
    settings.TASKS = IMMEDIATE
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        _notify(member, on_commit)
    assert smtp_server.wait_for_message(to=member.email).subject == "Welcome to Rapport"

    with time_machine.travel(datetime(2025, 6, 10, 22, 0, tzinfo=UTC), tick=False):
        late = _notify(member, on_commit)  # 23:00 in London: it cannot be deferred, so waits
    assert len(smtp_server.messages) == 1  # only the first one
    assert Notification.objects.get(pk=late.pk).email_state == EmailState.PENDING
    with time_machine.travel(datetime(2025, 6, 11, 7, 0, tzinfo=UTC), tick=False):
        assert overdue_emails_enqueue() == 1
    smtp_server.wait_for_message(to=member.email)
    assert Notification.objects.get(pk=late.pk).email_state == EmailState.SENT
