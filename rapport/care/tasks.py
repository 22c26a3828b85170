"""Background work for Care: thin adapters that take ids and call services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from rapport.lib.scheduler import periodic

from . import services


@task()
def send_booking_invites(booking_id: int, sequence: int) -> str:
    return services.booking_invites_send(booking_id=booking_id, sequence=sequence)


@periodic(name="care.reminders", every=timedelta(minutes=5))
@task()
def send_reminders(period_key: str) -> int:
    return services.reminders_send()
