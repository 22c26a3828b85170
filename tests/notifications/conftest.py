"""Fixtures for notification tests: a way to run whatever the task queue holds, in this
process (the real SMTP server comes from tests/smtp.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_queued_tasks(*, limit: int = 500) -> list[DBTaskResult]:
    """Run every task that is due now, as `rapport worker` would, and return them.

    Follow-up work a task queues on commit is queued (and run, if due) too. Fails the test
    if a task failed. (db_worker's own loop closes "old" connections, which would end the
    test's transaction, so this claims and runs tasks one by one with its Worker.)
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    done: list[DBTaskResult] = []
    for _ in range(limit):
        result = DBTaskResult.objects.ready().first()
        if result is None:
            break
        result.claim(worker.worker_id)
        with TestCase.captureOnCommitCallbacks(execute=True):
            worker.run_task(result)
        result.refresh_from_db()
        assert result.status == "SUCCESSFUL", result.traceback
        done.append(result)
    return done


@pytest.fixture
def on_commit() -> Any:
    """`with on_commit(): ...` runs the block's on-commit callbacks at its end."""
    return lambda: TestCase.captureOnCommitCallbacks(execute=True)
