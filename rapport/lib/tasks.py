"""Housekeeping for background work: forget old schedule claims, heartbeats and results."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .models import ScheduledRun, WorkerHeartbeat
from .scheduler import periodic

#: Claims are only needed while their period can still be ticked; a month is plenty.
KEEP_SCHEDULED_RUNS = timedelta(days=35)
KEEP_HEARTBEATS = timedelta(days=7)


@periodic(name="lib.prune_background_bookkeeping", every=timedelta(days=1))
@task()
def prune_background_bookkeeping(period_key: str) -> dict[str, int]:
    now = timezone.now()
    pruned = {
        "scheduled_runs": ScheduledRun.objects.filter(
            claimed_at__lt=now - KEEP_SCHEDULED_RUNS
        ).delete()[0],
        "heartbeats": WorkerHeartbeat.objects.filter(last_seen__lt=now - KEEP_HEARTBEATS).delete()[
            0
        ],
        "task_results": 0,
    }
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        keep = timedelta(days=getattr(settings, "RAPPORT_TASK_RESULTS_KEEP_DAYS", 14))
        pruned["task_results"] = (
            DBTaskResult.objects.finished().filter(finished_at__lt=now - keep).delete()[0]
        )
    return pruned
