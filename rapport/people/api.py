"""The people API: my profile, the directory, teams and their members.

Other people are shown with their public fields only (PersonOut); /me adds what only the
person themselves sees (work hours, roles). People who have left are not listed.
"""

from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from rapport.api.auth import viewer
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, SearchQuery, Text
from rapport.privacy.gate import Released

from . import selectors
from .access import get_person_for, get_team_for
from .data_rights import person_data_erase, person_data_export
from .models import Membership, Person, Team
from .roster import roster_apply, roster_parse
from .services import person_update_profile

router = Router(tags=["people"])

# Lists prefetch each person's teams into this attribute; single objects set it by hand.
TEAMS_ATTR = "team_memberships"


def _teams_prefetch(lookup: str = "memberships") -> Prefetch:
    return Prefetch(
        lookup,
        queryset=Membership.objects.select_related("team").order_by("team__name", "team_id"),
        to_attr=TEAMS_ATTR,
    )


def _with_teams(person: Person) -> Person:
    setattr(person, TEAMS_ATTR, list(selectors.person_teams(person=person)))
    return person


# --- schemas -------------------------------------------------------------------------------


class TeamRefOut(Schema):
    id: int
    name: str
    role: str = Field(description="'member' or 'lead'")


class PersonOut(Schema):
    """What any colleague may see about a person."""

    id: int
    display_name: str
    title: str
    email: str
    location: str
    time_zone: str
    status: str = Field(description="active, on_leave, returning or left")
    manager_id: int | None
    teams: list[TeamRefOut]

    @staticmethod
    def resolve_email(obj: Person) -> str:
        return obj.user.email

    @staticmethod
    def resolve_teams(obj: Person) -> list[dict[str, Any]]:
        # No lazy fallback: a missing prefetch should fail loudly, not turn into N+1.
        memberships: list[Membership] = getattr(obj, TEAMS_ATTR)
        return [{"id": m.team_id, "name": m.team.name, "role": m.role} for m in memberships]


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str


class MeOut(PersonOut):
    """The caller's own profile: public fields plus what only they see."""

    organization: OrganizationOut
    is_org_admin: bool
    start_date: date | None
    work_start: time
    work_end: time
    working_days: list[int] = Field(description="ISO weekdays, Monday=1 to Sunday=7")

    @staticmethod
    def resolve_working_days(obj: Person) -> list[int]:
        return [int(day) for day in obj.working_days]


class ProfilePatchIn(Schema):
    """Only the fields sent change; null is not a value any of them can take."""

    model_config = {"extra": "forbid"}

    display_name: Text | None = Field(None, max_length=120)
    title: Text | None = Field(None, max_length=120)
    time_zone: Text | None = Field(None, max_length=64, examples=["Europe/Berlin"])
    location: Text | None = Field(None, max_length=120)
    work_start: time | None = Field(None, examples=["09:00"])
    work_end: time | None = Field(None, examples=["17:30"])
    working_days: list[int] | None = Field(
        None, min_length=1, max_length=7, examples=[[1, 2, 3, 4, 5]]
    )

    @field_validator("*")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        # Runs only for values that were sent; defaults are not validated.
        if value is None:
            raise PydanticCustomError(
                "null", "Leave the field out to keep it; null is not allowed."
            )
        return value

    @field_validator("work_start", "work_end")
    @classmethod
    def local_time(cls, value: time | None) -> time | None:
        if value is not None and value.tzinfo is not None:
            raise PydanticCustomError(
                "aware_time", "Give a time of day without a UTC offset, e.g. 09:00."
            )
        return value

    @field_validator("working_days")
    @classmethod
    def weekdays(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and (
            any(not 1 <= day <= 7 for day in value) or len(set(value)) != len(value)
        ):
            raise PydanticCustomError(
                "bad_working_days",
                "Working days are distinct ISO weekdays, Monday=1 to Sunday=7, e.g. [1,2,3,4,5].",
            )
        return value


class TeamOut(Schema):
    id: int
    name: str
    description: str
    parent_id: int | None
    member_count: int = Field(description="Members who have not left")


class TeamDetailOut(TeamOut):
    connected_percent: int | None = Field(
        description=(
            "Share of members with three or more strong ties; null when the privacy gate "
            "holds it back (too few people, or too little changed since you last saw it)"
        )
    )


class MemberOut(Schema):
    role: str = Field(description="'member' or 'lead'")
    person: PersonOut


# --- endpoints -----------------------------------------------------------------------------


@router.get("/me", response=MeOut, operation_id="me_read", url_name="me", summary="My profile")
def me_read(request: HttpRequest) -> Person:
    return _with_teams(viewer(request))


@router.patch(
    "/me",
    response=MeOut,
    operation_id="me_update",
    url_name="me",
    summary="Change my profile (send only the fields to change)",
)
def me_update(request: HttpRequest, payload: ProfilePatchIn) -> Person:
    me = viewer(request)
    sent = payload.model_dump(exclude_unset=True)
    working_days = sent.get("working_days")
    person = person_update_profile(
        person=me,
        display_name=sent.get("display_name", me.display_name),
        title=sent.get("title", me.title),
        time_zone=sent.get("time_zone", me.time_zone),
        location=sent.get("location", me.location),
        work_start=sent.get("work_start", me.work_start),
        work_end=sent.get("work_end", me.work_end),
        working_days=(
            "".join(str(day) for day in sorted(working_days))
            if working_days is not None
            else me.working_days
        ),
    )
    # The service returns a fresh row; keep the organisation and user already loaded.
    person.organization = me.organization
    person.user = me.user
    return _with_teams(person)


@router.get(
    "/people",
    response=list[PersonOut],
    operation_id="people_list",
    url_name="people",
    summary="The directory: colleagues who have not left, by name",
)
@paginate(PageNumber)
def people_list(request: HttpRequest, q: SearchQuery = "") -> QuerySet[Person]:
    people = selectors.people_directory(viewer=viewer(request), query=q)
    return people.prefetch_related(_teams_prefetch())


@router.get(
    "/people/{person_id}",
    response=PersonOut,
    operation_id="people_read",
    url_name="person",
    summary="A colleague",
)
def people_read(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Person:
    return _with_teams(get_person_for(viewer(request), person_id))


@router.get(
    "/teams",
    response=list[TeamOut],
    operation_id="teams_list",
    url_name="teams",
    summary="Teams of my organisation, by name",
)
@paginate(PageNumber)
def teams_list(request: HttpRequest, q: SearchQuery = "") -> QuerySet[Team]:
    return selectors.teams_list(viewer=viewer(request), query=q)


@router.get(
    "/teams/{team_id}",
    response=TeamDetailOut,
    operation_id="teams_read",
    url_name="team",
    summary="A team",
)
def teams_read(request: HttpRequest, team_id: int = Path(..., ge=1, le=MAX_ID)) -> Team:
    me = viewer(request)
    team = get_team_for(me, team_id)
    team.member_count = selectors.team_members(team=team).count()  # type: ignore[attr-defined]
    connection = selectors.team_connection(viewer=me, team=team)
    connected = connection.value if isinstance(connection, Released) else None
    team.connected_percent = connected  # type: ignore[attr-defined]
    return team


@router.get(
    "/teams/{team_id}/members",
    response=list[MemberOut],
    operation_id="team_members_list",
    url_name="team_members",
    summary="A team's members who have not left, leads first",
)
@paginate(PageNumber)
def team_members_list(
    request: HttpRequest, team_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[Membership]:
    team = get_team_for(viewer(request), team_id)
    return selectors.team_members(team=team).prefetch_related(
        _teams_prefetch("person__memberships")
    )


# --- roster import -------------------------------------------------------------------------

ROSTER_MAX_CHARACTERS = 5_000_000


class RosterIn(Schema):
    model_config = {"extra": "forbid"}

    csv: str = Field(
        max_length=ROSTER_MAX_CHARACTERS, description="The CSV file's text (README: roster format)"
    )
    dry_run: bool = Field(False, description="Check and report, write nothing")


class RosterErrorOut(Schema):
    line: int | None = Field(description="Physical line in the file (the header is line 1)")
    message: str


class RosterResultOut(Schema):
    applied: bool
    created: int
    updated: int
    unchanged: int
    teams_created: int
    summary: str


class RosterInvalidOut(Schema):
    detail: str
    code: str
    errors: list[RosterErrorOut]


@router.post(
    "/roster",
    response={200: RosterResultOut, 422: RosterInvalidOut},
    operation_id="roster_import",
    url_name="roster",
    summary="Org admins: import people and teams from CSV (all or nothing)",
)
def roster_import(request: HttpRequest, payload: RosterIn) -> Any:
    me = viewer(request)
    if not me.is_org_admin:
        raise PermissionDenied("Only org admins can import the roster.")
    result = roster_apply(
        organization=me.organization,
        parsed=roster_parse(text=payload.csv),
        actor=me,
        dry_run=payload.dry_run,
    )
    if result.errors:
        return Status(
            422,
            {
                "detail": f"The roster has {len(result.errors)} problem(s); nothing was imported.",
                "code": "invalid_roster",
                "errors": [{"line": e.line, "message": e.message} for e in result.errors],
            },
        )
    return {
        "applied": result.applied,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "teams_created": result.teams_created,
        "summary": result.describe(),
    }


# --- data rights ---------------------------------------------------------------------------


@router.get(
    "/me/export",
    response=dict[str, Any],
    operation_id="me_export",
    url_name="me_export",
    summary="Everything Rapport holds about me (care data comes from the care side)",
)
def me_export(request: HttpRequest) -> dict[str, Any]:
    return person_data_export(person=viewer(request))


@router.post(
    "/people/{person_id}/erase",
    response={204: None},
    operation_id="people_erase",
    url_name="person_erase",
    summary="Org admins: erase a person who has left",
)
def people_erase(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    me = viewer(request)
    person = get_person_for(me, person_id)
    if not me.is_org_admin:
        raise PermissionDenied("Only org admins can erase people.")
    person_data_erase(actor=me, person=person)
    return Status(204, None)
