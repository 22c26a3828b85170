"""Background work for the help board: thin adapters around services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from rapport.lib.scheduler import periodic

from . import services


@periodic(name="helpboard.close_past_requests", every=timedelta(hours=1))
@task()
def close_past_requests(period_key: str) -> int:
    """Close requests whose needed-by date has passed; idempotent (see the service)."""
    return services.help_requests_close_expired()
