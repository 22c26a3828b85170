"""Reads of the audit log, for the people team's page, CSV export and API."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, QuerySet

from rapport.people.models import Person

from .actions import Action
from .models import AuditEvent

# Dates outside this range would overflow when turned into UTC instants; nothing the log
# holds is that old or that far off, so clamping changes no answer.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(9000, 1, 1)


def audit_events(
    *,
    viewer: Person,
    action: Action | str | None = None,
    actor_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    query: str | None = None,
) -> QuerySet[AuditEvent]:
    """The viewer's organisation's log, newest first; empty for anyone but an org admin.

    `since` and `until` are days in the viewer's own time zone, both included; `query`
    searches the labels of the objects acted on.
    """
    events = AuditEvent.objects.visible_to(viewer).select_related("actor")
    if action:
        events = events.filter(action=action)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(created_at__gte=_start_of_day(since, viewer.tz))
    if until is not None:
        events = events.filter(
            created_at__lt=_start_of_day(_clamp(until) + timedelta(1), viewer.tz)
        )
    if query and query.strip():
        events = events.filter(target_label__icontains=query.strip())
    return events.order_by("-created_at", "-id")


def audit_actors(*, viewer: Person) -> QuerySet[Person]:
    """People who appear as the actor of at least one event in the viewer's log, by name."""
    if not viewer.is_org_admin:
        return Person.objects.none()
    acted = AuditEvent.objects.filter(actor=OuterRef("pk"))
    return Person.objects.visible_to(viewer).filter(Exists(acted)).order_by("display_name", "id")


def _clamp(day: date) -> date:
    return min(max(day, EARLIEST_DAY), LATEST_DAY)


def _start_of_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(_clamp(day), time.min, tzinfo=tz)
