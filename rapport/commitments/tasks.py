"""Background work for commitments: thin, idempotent adapters over services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from rapport.lib.scheduler import periodic

from . import services


@periodic(name="commitments.reminders", every=timedelta(minutes=5))
@task()
def send_due_reminders(period_key: str) -> int:
    return services.commitment_reminders_send()


@periodic(name="commitments.sweep", every=timedelta(minutes=5))
@task()
def sweep_commitments(period_key: str) -> dict[str, int]:
    """Mark promises missed whose due time passed with no update; count deliveries nobody
    objected to for three days as done."""
    return {
        "missed": services.commitments_mark_missed(),
        "auto_confirmed": services.commitments_auto_confirm(),
    }
