"""The audit log API: the organisation's log for its org admins, with the page's filters."""

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from rapport.api.auth import viewer
from rapport.api.errors import ApiError
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, SearchQuery

from . import selectors
from .actions import Action
from .models import AuditEvent

router = Router(tags=["audit"])


class NotOrgAdmin(ApiError):
    status = 403
    code = "forbidden"
    detail = "Only org admins can read the audit log."


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    action: str = Field(description="One of the audit actions, e.g. role_changed")
    action_label: str
    actor_id: int | None = Field(description="Null for Rapport itself or an erased person")
    actor_label: str = Field(description="The actor's name when it happened")
    target_type: str = Field(description="e.g. person, team, token; empty if none")
    target_id: int | None
    target_label: str = Field(description="The object's name when it happened")
    details: dict[str, Any] = Field(description="A few facts: counts, ids, flags")
    ip: str | None

    @staticmethod
    def resolve_action_label(obj: AuditEvent) -> str:
        return obj.action_label


class AuditFiltersIn(Schema):
    """The page's filters; days are the caller's own (their time zone), both included."""

    action: Action | None = Field(None, description="Only this action")
    actor: int | None = Field(None, ge=1, le=MAX_ID, description="Only events by this person id")
    since: date | None = Field(None, description="From this day, YYYY-MM-DD")
    until: date | None = Field(None, description="To this day, YYYY-MM-DD")
    q: SearchQuery = Field("", description="Search the names of the objects acted on")

    @field_validator("until")
    @classmethod
    def not_before_since(cls, until: date | None, info: ValidationInfo) -> date | None:
        since = info.data.get("since")
        if until is not None and since is not None and until < since:
            raise PydanticCustomError(
                "date_range", "The end date must be on or after the start date."
            )
        return until


@router.get(
    "/audit/events",
    response=list[AuditEventOut],
    operation_id="audit_events_list",
    url_name="audit_events",
    summary="My organisation's audit log, newest first (org admins only)",
)
@paginate(PageNumber)
def audit_events_list(request: HttpRequest, filters: Query[AuditFiltersIn]) -> QuerySet[AuditEvent]:
    me = viewer(request)
    if not me.is_org_admin:
        raise NotOrgAdmin()
    return selectors.audit_events(
        viewer=me,
        action=filters.action,
        actor_id=filters.actor,
        since=filters.since,
        until=filters.until,
        query=filters.q,
    )
