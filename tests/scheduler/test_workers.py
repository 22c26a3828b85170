"""Several worker PROCESSES against the real test database (an SQLite file, or PostgreSQL
with DATABASE_URL): a periodic job runs exactly once per period, and a task whose worker is
killed mid-run is finished by another worker, once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from rapport.lib.models import ScheduledRun, WorkerHeartbeat
from rapport.notifications.models import EmailState, Notification, NotificationSettings
from rapport.notifications.services import notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Person
from tests.factories import PersonFactory

from . import jobs

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 3


def database_url() -> str:
    """The test database, as a URL for a child process's DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def spawn(*args: str, email_url: str = "consolemail://") -> subprocess.Popen[str]:
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "EMAIL_URL": email_url,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.scheduler.worker_process", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 60) -> dict[str, Any]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_three_worker_processes_run_a_periodic_job_exactly_once_per_period():
    PersonFactory()
    periods, ticks = 4, 10
    start_at = time.time() + 4  # after every child has imported Django
    processes = [
        spawn(
            "tick",
            f"--worker-id=w{n}",
            f"--periods={periods}",
            f"--ticks={ticks}",
            f"--start-at={start_at}",
        )
        for n in range(WORKERS)
    ]
    results = [finish(p) for p in processes]

    claimed = sorted(key for result in results for key in result["claimed"])
    expected = [f"2025-06-10T{9 + n:02d}:00:00Z" for n in range(periods)]
    assert claimed == expected  # 3 processes x 10 ticks x 4 periods: one claim each
    assert (
        sorted(ScheduledRun.objects.filter(job=jobs.NAME).values_list("period_key", flat=True))
        == expected
    )
    runs = DBTaskResult.objects.filter(task_path="tests.scheduler.jobs.count_runs")
    assert runs.count() == periods
    assert set(runs.values_list("status", flat=True)) == {"SUCCESSFUL"}
    titles = sorted(Notification.objects.values_list("title", flat=True))
    assert titles == [f"Ran for {key}" for key in expected]  # each job ran once


def test_a_worker_killed_mid_task_loses_nothing_and_sends_once(smtp_server, tmp_path: Path):
    person = cast(Person, PersonFactory())
    # Email may go at any hour of any day, whenever this test runs.
    NotificationSettings.objects.create(
        person=person, quiet_hours_start=None, quiet_hours_end=None, respect_working_days=False
    )
    notification = notify(recipient=person, type=NotificationType.WELCOME, title="Welcome", url="/")
    assert notification is not None
    task = DBTaskResult.objects.get()
    email_url = f"smtp://{smtp_server.host}:{smtp_server.port}"

    marker = tmp_path / "sending"
    doomed = spawn("work", "--worker-id=doomed", f"--hang-on-send={marker}", email_url=email_url)
    try:
        for _ in range(300):
            if marker.exists():
                break
            assert doomed.poll() is None, doomed.communicate()[1]
            time.sleep(0.05)
        assert marker.exists(), "the worker never started sending"
        for _ in range(100):  # its scheduler thread has said it is alive
            if WorkerHeartbeat.objects.filter(worker_id="doomed").exists():
                break
            time.sleep(0.05)
        task.refresh_from_db()
        notification.refresh_from_db()
        assert (task.status, task.worker_ids) == ("RUNNING", ["doomed"])
        assert notification.email_state == EmailState.SENDING
        assert notification.email_claim == str(task.id)
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    assert doomed.returncode == -signal.SIGKILL

    rescuer = spawn(
        "work", "--worker-id=rescuer", "--lost-after=1", "--max-tasks=1", email_url=email_url
    )
    finish(rescuer)

    task.refresh_from_db()
    notification.refresh_from_db()
    assert (task.status, task.worker_ids) == ("SUCCESSFUL", ["doomed", "rescuer"])
    assert task.return_value == "sent"
    assert notification.email_state == EmailState.SENT
    message = smtp_server.wait_for_message(to=person.email)
    assert message.subject == "Welcome to Rapport"
    assert len(smtp_server.messages) == 1


def test_the_standalone_scheduler_ticks_until_asked_to_stop():
    """`rapport scheduler`, for task backends whose workers are not ours."""
    from rapport.lib.models import ScheduledRun, WorkerHeartbeat

    env = os.environ | {"DATABASE_URL": database_url(), "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "rapport", "scheduler", "--interval", "0.2", "--worker-id", "solo"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not ScheduledRun.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Scheduler solo running" in out
    assert ScheduledRun.objects.exists()
    assert WorkerHeartbeat.objects.filter(worker_id="solo").exists()
