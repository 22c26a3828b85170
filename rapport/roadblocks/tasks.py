"""Background work for roadblocks: the "sooner rather than later" reminders."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from rapport.lib.scheduler import periodic

from . import services


@periodic(name="roadblocks.reminders", every=timedelta(minutes=15))
@task()
def send_roadblock_reminders(period_key: str) -> int:
    # Idempotent: each reminder is claimed once and carries a dedupe key (see the service).
    return services.roadblock_reminders_send()
