"""Periodic jobs, run exactly once per period however many workers are running, and the
recovery of tasks whose worker died.

A periodic job is an ordinary task that takes the period it is for:

    @periodic(name="notifications.digests", every=timedelta(hours=1))
    @task()
    def send_due_digests(period_key: str) -> int: ...

Every worker runs `scheduler_tick()` every few seconds (`scheduler_running()` starts a
thread that does so). A tick works out each job's current period ("2025-03-30T09:00:00Z":
periods are aligned to the Unix epoch, so daily periods start at midnight UTC) and tries to
INSERT a `ScheduledRun(job, period_key)`. The unique constraint lets exactly one INSERT
win, on SQLite and PostgreSQL alike; the winner enqueues the job's task in the same
transaction (so with the database queue the claim and the task commit together), everyone
else skips. A period in which no worker ticked at all is not caught up later: jobs look at
the state of the world ("whose local morning is it now?"), not at the clock they missed.

Crash recovery. django-tasks-db marks a task RUNNING with the worker's id when it claims
it (`DBTaskResult.worker_ids`), and that is all: it has no lease and no heartbeat, so a task
whose worker was killed stays RUNNING forever. Here each worker's scheduler thread writes a
`WorkerHeartbeat`; a tick puts RUNNING tasks back to READY when the worker that claimed
them has stopped beating for `lost_after` seconds (or, for a worker that never sent a
heartbeat, e.g. a bare `db_worker`, when the task has been running longer than
`RAPPORT_TASK_LEASE`). Another worker then runs it again, which is safe because every
task is idempotent. A task that has lost its worker `RAPPORT_TASK_MAX_ATTEMPTS` times is
marked FAILED instead, so one poisonous task cannot take the workers down forever.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

from .models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=Task[Any, Any])

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: A stopped worker's heartbeat is set to this, so that anything it left RUNNING is
#: recovered at the next tick rather than after `lost_after`.
STOPPED = EPOCH


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def default_interval() -> float:
    """Seconds between two ticks of one worker's scheduler thread."""
    return _setting("RAPPORT_SCHEDULER_INTERVAL", 10.0)


def default_lost_after() -> float:
    """Seconds without a heartbeat after which a worker counts as dead."""
    return _setting("RAPPORT_WORKER_LOST_AFTER", 60.0)


# --- the registry --------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: Task[Any, Any]

    def period_start(self, now: datetime) -> datetime:
        seconds = int(self.every.total_seconds())
        elapsed = int((now - EPOCH).total_seconds())
        return EPOCH + timedelta(seconds=elapsed - elapsed % seconds)

    def period_key(self, now: datetime) -> str:
        return self.period_start(now).strftime("%Y-%m-%dT%H:%M:%SZ")


_REGISTRY: dict[str, PeriodicJob] = {}
_discovered = False


def periodic(*, name: str, every: timedelta) -> Callable[[T], T]:
    """Run the decorated task once per `every`, with `period_key=` the period it is for."""
    seconds = every.total_seconds()
    if seconds < 1 or seconds != int(seconds):
        raise ValueError("A periodic job's period must be a whole number of seconds.")

    def register(task_: T) -> T:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.task.module_path != task_.module_path:
            raise ValueError(f"Two periodic jobs are called {name!r}.")
        _REGISTRY[name] = PeriodicJob(name=name, every=every, task=task_)
        return task_

    return register


def registered_jobs() -> list[PeriodicJob]:
    """Every periodic job; the first call imports each app's `tasks` module to find them."""
    global _discovered
    if not _discovered:
        autodiscover_modules("tasks")
        _discovered = True
    return sorted(_REGISTRY.values(), key=lambda job: job.name)


# --- ticking -------------------------------------------------------------------------------


@dataclass
class TickReport:
    """What one tick did, for logs and tests."""

    enqueued: list[tuple[str, str]] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def claim_period(job: PeriodicJob, now: datetime, *, worker_id: str = "") -> bool:
    """Claim this period of `job` and enqueue its task; False if someone else already did."""
    key = job.period_key(now)
    runs = ScheduledRun.objects.filter(job=job.name, period_key=key)
    if runs.exists():  # the common case, without a failing INSERT in the database's log
        return False
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(
                job=job.name, period_key=key, claimed_at=now, claimed_by=worker_id[:64]
            )
            result = job.task.enqueue(period_key=key)
            run.task_result_id = str(result.id)[:64]
            run.save(update_fields=["task_result_id"])
    except IntegrityError:
        return False
    logger.info("Enqueued %s for %s", job.name, key)
    return True


def scheduler_tick(
    now: datetime | None = None,
    *,
    worker_id: str = "",
    jobs: Iterable[str] | None = None,
    lost_after: float | None = None,
) -> TickReport:
    """One round of the scheduler: claim due periods, recover tasks of dead workers.

    Safe to run from any number of processes at once. `jobs` limits it to those job names.
    """
    now = now or timezone.now()
    report = TickReport()
    wanted = set(jobs) if jobs is not None else None
    for job in registered_jobs():
        if wanted is not None and job.name not in wanted:
            continue
        if claim_period(job, now, worker_id=worker_id):
            report.enqueued.append((job.name, job.period_key(now)))
    recovered, failed = recover_lost_tasks(now=now, lost_after=lost_after)
    report.recovered, report.failed = recovered, failed
    return report


# --- heartbeats and recovery ---------------------------------------------------------------


def worker_heartbeat(worker_id: str, now: datetime | None = None) -> None:
    """Record that this worker is alive."""
    now = now or timezone.now()
    if WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now):
        return
    try:
        with transaction.atomic():
            WorkerHeartbeat.objects.create(
                worker_id=worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                last_seen=now,
            )
    except IntegrityError:
        WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=now)


def worker_stopped(worker_id: str) -> None:
    """A worker that exits says so: whatever it left RUNNING is recovered at once."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=STOPPED)


class WorkerLost(Exception):
    """Recorded as the error of a task whose worker died too many times while running it."""


def recover_lost_tasks(
    *, now: datetime | None = None, lost_after: float | None = None
) -> tuple[list[str], list[str]]:
    """Put RUNNING tasks of dead workers back to READY. Returns (recovered, failed) ids."""
    if not apps.is_installed("django_tasks_db"):
        return [], []
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    lost_after = default_lost_after() if lost_after is None else lost_after
    lease = timedelta(seconds=_setting("RAPPORT_TASK_LEASE", 3600.0))
    max_attempts = int(_setting("RAPPORT_TASK_MAX_ATTEMPTS", 5))

    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
            "id", "worker_ids", "started_at"
        )
    )
    if not running:
        return [], []
    last_worker = {task_id: (ids[-1] if ids else "") for task_id, ids, _ in running}
    last_seen = dict(
        WorkerHeartbeat.objects.filter(worker_id__in=set(last_worker.values())).values_list(
            "worker_id", "last_seen"
        )
    )
    recovered: list[str] = []
    failed: list[str] = []
    for task_id, worker_ids, started_at in running:
        seen = last_seen.get(last_worker[task_id])
        if seen is not None:
            lost = seen < now - timedelta(seconds=lost_after)
        else:  # a worker that never sent a heartbeat: only the lease tells
            lost = started_at is not None and started_at < now - lease
        if not lost:
            continue
        # Conditional updates: if two ticks race, or the worker was only slow and has just
        # finished, the row no longer matches and nothing happens.
        still_running = DBTaskResult.objects.filter(
            id=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= max_attempts:
            if still_running.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=(
                    f"{WorkerLost.__qualname__}: the worker running this task stopped "
                    f"{len(worker_ids)} times; giving up.\n"
                ),
            ):
                failed.append(str(task_id))
                logger.error("Task %s lost its worker %d times; failed", task_id, len(worker_ids))
        elif still_running.update(status=TaskResultStatus.READY):
            recovered.append(str(task_id))
            logger.warning(
                "Task %s was running on worker %s, which stopped; queued again",
                task_id,
                last_worker[task_id] or "(unknown)",
            )
    return recovered, failed


# --- the worker's scheduler thread ---------------------------------------------------------


def run_scheduler_loop(
    stop_event: threading.Event,
    interval: float | None = None,
    *,
    worker_id: str = "",
    lost_after: float | None = None,
    jobs: Iterable[str] | None = None,
) -> None:
    """Heartbeat and tick every `interval` seconds until `stop_event` is set.

    Meant for a thread beside the task worker (see `scheduler_running`); any error is
    logged and the loop carries on, so a database hiccup never stops the schedule.
    """
    interval = default_interval() if interval is None else interval
    job_names = list(jobs) if jobs is not None else None
    try:
        while not stop_event.is_set():
            close_old_connections()
            try:
                if worker_id:
                    worker_heartbeat(worker_id)
                scheduler_tick(worker_id=worker_id, jobs=job_names, lost_after=lost_after)
            except Exception:
                logger.exception("Scheduler tick failed; trying again in %ss", interval)
            stop_event.wait(interval)
    finally:
        try:
            if worker_id:
                worker_stopped(worker_id)
        except Exception:
            logger.exception("Could not record that worker %s stopped", worker_id)
        connection.close()


@contextmanager
def scheduler_running(
    *, worker_id: str, interval: float | None = None, lost_after: float | None = None
) -> Iterator[threading.Thread]:
    """Run the scheduler in a daemon thread for as long as the `with` block runs.

    with scheduler_running(worker_id=options["worker_id"]):
        super().handle(*args, **options)   # the task worker itself
    """
    stop_event = threading.Event()
    thread = threading.Thread(
        target=run_scheduler_loop,
        args=(stop_event, interval),
        kwargs={"worker_id": worker_id, "lost_after": lost_after},
        name=f"rapport-scheduler-{worker_id[:8]}",
        daemon=True,
    )
    thread.start()
    try:
        yield thread
    finally:
        stop_event.set()
        thread.join(timeout=30)
