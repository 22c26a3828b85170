"""Background work for pairing: thin adapters around services, each safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from rapport.lib.scheduler import periodic

from . import services


@periodic(name="pairing.rounds", every=timedelta(minutes=15))
@task()
def run_due_rounds(period_key: str) -> int:
    """Announce each programme's round at its local day and hour (once per date)."""
    return services.rounds_due_run()


@periodic(name="pairing.follow_ups", every=timedelta(hours=1))
@task()
def send_follow_ups(period_key: str) -> int:
    return services.follow_ups_send()


@periodic(name="pairing.buddies", every=timedelta(hours=6))
@task()
def assign_buddies(period_key: str) -> int:
    return services.buddies_assign()


@periodic(name="pairing.buddy_check_ins", every=timedelta(hours=1))
@task()
def send_buddy_check_ins(period_key: str) -> int:
    return services.buddy_check_ins_send()
