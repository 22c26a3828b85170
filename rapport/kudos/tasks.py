"""Background work for kudos: thin adapters that take ids and call services."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from rapport.lib.scheduler import periodic
from rapport.people.models import Organization

from . import services
from .models import Kudos


@periodic(name="kudos.trading_scan", every=timedelta(hours=6))
@task()
def scan_trading(period_key: str) -> int:
    """The safety net: check every pair that thanked each other lately, in every
    organisation that gave thanks in the window. Idempotent (one flag per pair; admins
    hear of a pair at most once a week)."""
    from django.utils import timezone

    from .trading import TRADING_WINDOW

    since = timezone.now() - TRADING_WINDOW
    org_ids = Kudos.objects.filter(created_at__gte=since).values("organization_id").distinct()
    flagged = 0
    for organization in Organization.objects.filter(pk__in=org_ids):
        flagged += services.trading_scan(organization=organization)
    return flagged
