"""The people team's audit log page, its htmx results partial and the CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, org_admin_required

from . import selectors
from .actions import Action
from .forms import AuditFilterForm
from .models import AuditEvent
from .services import audit_record, client_ip

CSV_HEADER = [
    "time_utc",
    "action",
    "actor_id",
    "actor",
    "target_type",
    "target_id",
    "target",
    "details",
    "ip",
]
#: Spreadsheets run cells starting with these as formulas; labels are typed by people.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@require_GET
@org_admin_required
def log(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    form = AuditFilterForm(request.GET, viewer=viewer)
    page = None
    if form.is_valid():
        page = paginate(request, selectors.audit_events(viewer=viewer, **form.filters()))
    template = "audit/_results.html" if request.htmx else "audit/log.html"
    return render(request, template, {"form": form, "page": page})


@require_POST
@org_admin_required
def export(request: PersonRequest) -> HttpResponse:
    """The filtered log as CSV. Exporting the log is itself an audited action."""
    viewer = request.person
    form = AuditFilterForm(request.POST, viewer=viewer)
    if not form.is_valid():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, f"Nothing was exported: {problems}")
        return redirect("audit:log")
    # Everything up to now; the export's own event (and anything later) is not in the file.
    cutoff = timezone.now()
    events = selectors.audit_events(viewer=viewer, **form.filters()).filter(created_at__lte=cutoff)
    event = audit_record(
        organization=viewer.organization,
        actor=viewer,
        action=Action.AUDIT_EXPORTED,
        details={**form.filter_details(), "rows": events.count()},
        ip=client_ip(request),
    )
    # Written whole rather than streamed: the log holds sensitive actions only, so even
    # years of it is a few megabytes, and rows are fetched in chunks either way.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"audit-log-{viewer.organization.slug}-{cutoff:%Y%m%d-%H%M%S}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    _write_csv(response, events.exclude(pk=event.pk))
    return response


def _write_csv(response: HttpResponse, events: QuerySet[AuditEvent]) -> None:
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        writer.writerow(_safe(_csv_row(event)))


def _csv_row(event: AuditEvent) -> list[Any]:
    return [
        event.created_at.astimezone(UTC).isoformat(),
        event.action,
        event.actor_id or "",
        event.actor_label,
        event.target_type,
        event.target_id if event.target_id is not None else "",
        event.target_label,
        event.details_json,
        event.ip or "",
    ]


def _safe(cells: Iterable[Any]) -> list[Any]:
    return [f"'{c}" if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in cells]
