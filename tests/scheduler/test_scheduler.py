"""The scheduler in one process: periods, claims and the recovery of lost tasks."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.lib import scheduler
from rapport.lib.models import ScheduledRun, WorkerHeartbeat
from rapport.lib.scheduler import (
    STOPPED,
    PeriodicJob,
    periodic,
    recover_lost_tasks,
    registered_jobs,
    run_scheduler_loop,
    scheduler_running,
    scheduler_tick,
    worker_heartbeat,
    worker_stopped,
)
from rapport.lib.tasks import prune_background_bookkeeping
from rapport.notifications.tasks import send_notification_email

from . import jobs

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 10, 9, 22, 30, tzinfo=UTC)


@pytest.fixture
def hourly(monkeypatch) -> PeriodicJob:
    job = PeriodicJob(name=jobs.NAME, every=timedelta(hours=1), task=jobs.count_runs)
    monkeypatch.setitem(scheduler._REGISTRY, job.name, job)
    return job


def test_periods_are_aligned_to_the_epoch():
    quarter = PeriodicJob(name="q", every=timedelta(minutes=15), task=jobs.count_runs)
    daily = PeriodicJob(name="d", every=timedelta(days=1), task=jobs.count_runs)
    assert quarter.period_key(NOW) == "2025-06-10T09:15:00Z"
    assert quarter.period_key(NOW + timedelta(minutes=7, seconds=29)) == "2025-06-10T09:15:00Z"
    assert quarter.period_key(NOW + timedelta(minutes=7, seconds=30)) == "2025-06-10T09:30:00Z"
    assert daily.period_key(NOW) == "2025-06-10T00:00:00Z"


def test_periods_must_be_whole_seconds():
    with pytest.raises(ValueError):
        periodic(name="x", every=timedelta(milliseconds=1500))


def test_two_jobs_may_not_share_a_name(monkeypatch):
    monkeypatch.setattr(scheduler, "_REGISTRY", {})
    periodic(name="same", every=timedelta(hours=1))(jobs.count_runs)
    with pytest.raises(ValueError):
        periodic(name="same", every=timedelta(hours=1))(send_notification_email)


def test_every_apps_periodic_jobs_are_found():
    names = {job.name for job in registered_jobs()}
    assert {
        "lib.prune_background_bookkeeping",
        "notifications.checkin_prompts",
        "notifications.digests",
        "notifications.overdue_emails",
    } <= names


def test_a_period_is_claimed_and_enqueued_once_however_often_it_is_ticked(hourly):
    first = scheduler_tick(NOW, jobs=[hourly.name], worker_id="w1")
    again = scheduler_tick(NOW + timedelta(minutes=30), jobs=[hourly.name], worker_id="w2")
    assert first.enqueued == [(hourly.name, "2025-06-10T09:00:00Z")]
    assert again.enqueued == []
    run = ScheduledRun.objects.get()
    assert run.claimed_by == "w1"
    assert DBTaskResult.objects.get().id == uuid.UUID(run.task_result_id)
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"period_key": run.period_key}

    scheduler_tick(NOW + timedelta(hours=1), jobs=[hourly.name])
    assert ScheduledRun.objects.count() == DBTaskResult.objects.count() == 2


def test_a_tick_only_runs_the_jobs_it_is_given(hourly):
    assert scheduler_tick(NOW, jobs=[]).enqueued == []
    assert not ScheduledRun.objects.exists()


def _running_task(worker_id: str, started: datetime, attempts: int = 1) -> DBTaskResult:
    result = DBTaskResult.objects.get(id=send_notification_email.enqueue(1).id)
    for n in range(attempts):
        result.claim(worker_id if n == attempts - 1 else f"earlier-{n}")
    DBTaskResult.objects.filter(id=result.id).update(started_at=started)
    return result


def _status(result: DBTaskResult) -> str:
    result.refresh_from_db()
    return result.status


def test_a_task_whose_worker_stopped_beating_is_queued_again():
    with time_machine.travel(NOW, tick=False):
        worker_heartbeat("dead", now=NOW - timedelta(seconds=90))
        worker_heartbeat("alive", now=NOW - timedelta(seconds=5))
        lost = _running_task("dead", NOW - timedelta(seconds=100))
        fine = _running_task("alive", NOW - timedelta(seconds=100))
        recovered, failed = recover_lost_tasks(lost_after=60)
    assert recovered == [str(lost.id)] and failed == []
    assert (_status(lost), _status(fine)) == ("READY", "RUNNING")
    assert DBTaskResult.objects.ready().get() == lost


def test_without_any_heartbeat_only_the_lease_tells(settings):
    settings.RAPPORT_TASK_LEASE = 3600
    with time_machine.travel(NOW, tick=False):
        old = _running_task("bare-db-worker", NOW - timedelta(hours=2))
        young = _running_task("bare-db-worker", NOW - timedelta(minutes=5))
        recover_lost_tasks()
    assert (_status(old), _status(young)) == ("READY", "RUNNING")


def test_a_task_that_keeps_losing_its_worker_is_failed(settings):
    settings.RAPPORT_TASK_MAX_ATTEMPTS = 3
    with time_machine.travel(NOW, tick=False):
        worker_heartbeat("dead", now=NOW - timedelta(hours=1))
        poison = _running_task("dead", NOW - timedelta(hours=1), attempts=3)
        recovered, failed = recover_lost_tasks(lost_after=60)
    assert (recovered, failed) == ([], [str(poison.id)])
    poison.refresh_from_db()
    assert poison.status == "FAILED"
    assert poison.exception_class_path == "rapport.lib.scheduler.WorkerLost"


def test_a_worker_that_says_it_stopped_gives_up_its_tasks_at_once():
    worker_heartbeat("leaving")
    task = _running_task("leaving", timezone.now())
    assert recover_lost_tasks(lost_after=60) == ([], [])
    worker_stopped("leaving")
    assert WorkerHeartbeat.objects.get().last_seen == STOPPED
    assert recover_lost_tasks(lost_after=60) == ([str(task.id)], [])


def test_old_bookkeeping_is_pruned():
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        ScheduledRun.objects.create(job="old", period_key="a")
        worker_heartbeat("gone")
    ScheduledRun.objects.create(job="new", period_key="b")
    pruned = prune_background_bookkeeping.call(period_key="x")
    assert pruned["scheduled_runs"] == 1 and pruned["heartbeats"] == 1
    assert list(ScheduledRun.objects.values_list("job", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_beats_ticks_and_says_goodbye(hourly):
    stop = threading.Event()
    thread = threading.Thread(
        target=run_scheduler_loop,
        args=(stop, 0.05),
        kwargs={"worker_id": "thread-worker", "jobs": [hourly.name]},
    )
    thread.start()
    try:
        for _ in range(200):
            if ScheduledRun.objects.exists():
                break
            stop.wait(0.05)
        assert WorkerHeartbeat.objects.get().worker_id == "thread-worker"
        assert ScheduledRun.objects.get().claimed_by == "thread-worker"
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert WorkerHeartbeat.objects.get().last_seen == STOPPED


@pytest.mark.django_db(transaction=True)
def test_scheduler_running_wraps_a_worker():
    with scheduler_running(worker_id="wrapped", interval=0.05) as thread:
        for _ in range(200):
            if ScheduledRun.objects.filter(claimed_by="wrapped").exists():
                break
            thread.join(0.05)
        assert thread.is_alive()
    assert not thread.is_alive()
    assert ScheduledRun.objects.filter(job="notifications.checkin_prompts").exists()
    assert WorkerHeartbeat.objects.get(worker_id="wrapped").last_seen == STOPPED
