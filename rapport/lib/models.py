"""Bookkeeping for background work that every worker shares through the database.

- `ScheduledRun`: one row per periodic job and period. Its unique constraint is the lock
  that makes a periodic job run exactly once per period however many workers tick.
- `WorkerHeartbeat`: each worker's last sign of life, so that a task left RUNNING by a
  worker that died can be handed to another one (see `rapport.lib.scheduler`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScheduledRun(models.Model):
    job = models.CharField(max_length=100)
    period_key = models.CharField(
        max_length=40, help_text="The period this run is for, e.g. 2025-03-30T09:15Z."
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=64, blank=True, help_text="Worker id, if known.")
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("job", "period_key", name="lib_scheduledrun_once_per_period"),
        ]
        indexes = [models.Index(fields=["claimed_at"], name="lib_scheduledrun_claimed")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_key}"


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
