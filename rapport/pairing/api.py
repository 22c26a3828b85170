"""The pairing API: programmes, rounds, my groups and answers, my choices, the private
don't-pair list, buddies, and the meeting rate (through the privacy gate)."""

from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from rapport.api.auth import viewer
from rapport.api.errors import ApiError
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text
from rapport.lib.tenancy import get_for
from rapport.people.models import Person, Team, valid_time_zones

from . import selectors, services
from .access import (
    can_create_programs,
    can_manage,
    get_buddy_for,
    get_dont_pair_for,
    get_group_for,
    get_program_for,
)
from .models import (
    MAX_GROUP_SIZE,
    MIN_GROUP_SIZE,
    Answer,
    Buddy,
    Cadence,
    DontPair,
    GroupMember,
    Kind,
    PoolKind,
    Program,
    Round,
    TeamMode,
)

router = Router(tags=["pairing"])

ProgramId = Path(..., ge=1, le=MAX_ID)


class NotManager(ApiError):
    status = 403
    code = "forbidden"
    detail = "Only the people team, or the lead of the programme's teams, can do this."


class AlreadyHeld(ApiError):
    status = 409
    code = "already_held"
    detail = "This programme already announced a round today: the next one comes on schedule."


# --- schemas --------------------------------------------------------------------------------


class TeamRefOut(Schema):
    id: int
    name: str


class ProgramOut(Schema):
    id: int
    name: str
    kind: str = Field(description="coffee (virtual) or lunch (in person)")
    pool: str = Field(description="organization, teams, locations or opt_in")
    teams: list[TeamRefOut]
    locations: list[str]
    group_size: int
    cadence: str = Field(description="weekly, biweekly or monthly")
    announce_weekday: int = Field(description="ISO weekday, Monday=1")
    announce_hour: int = Field(description="Hour of the day in the programme's time zone")
    time_zone: str
    team_mode: str = Field(description="cross (across teams), within (a team) or any")
    avoid_managers: bool
    paused: bool

    @staticmethod
    def resolve_teams(obj: Program | dict[str, Any]) -> list[Any]:
        if isinstance(obj, dict):  # a detail built by hand (see _detail)
            return obj["teams"]
        return list(obj.teams.all())


class StandingOut(Schema):
    eligible: bool = Field(description="In the programme's pool (its teams or locations)")
    taking_part: bool = Field(description="In the next round")
    snoozed_until: date | None
    needs_opt_back_in: bool = Field(description="Left out after quiet rounds until they rejoin")


class ProgramDetailOut(ProgramOut):
    can_manage: bool
    next_round_at: datetime | None = Field(description="Null while paused")
    me: StandingOut


class ProgramIn(Schema):
    model_config = {"extra": "forbid"}

    name: Text = Field(min_length=1, max_length=120)
    kind: Kind = Kind.COFFEE
    pool: PoolKind = PoolKind.ORGANIZATION
    team_ids: list[int] = Field(default_factory=list, max_length=200)
    locations: list[Text] = Field(default_factory=list, max_length=20)
    group_size: int = Field(2, description="2, 3 or 4")
    cadence: Cadence = Cadence.WEEKLY
    announce_weekday: int = Field(1, ge=1, le=7)
    announce_hour: int = Field(10, ge=0, le=23)
    time_zone: Text = Field("UTC", max_length=64)
    team_mode: TeamMode = TeamMode.CROSS
    avoid_managers: bool = True

    @field_validator("group_size")
    @classmethod
    def size(cls, value: int) -> int:
        if not MIN_GROUP_SIZE <= value <= MAX_GROUP_SIZE:
            raise PydanticCustomError("group_size", "Groups have 2, 3 or 4 people.")
        return value

    @field_validator("time_zone")
    @classmethod
    def zone(cls, value: str) -> str:
        if value not in valid_time_zones():
            raise PydanticCustomError("bad_time_zone", "Use a time zone name like Europe/Berlin.")
        return value

    @field_validator("team_ids")
    @classmethod
    def ids(cls, value: list[int]) -> list[int]:
        if any(not 1 <= pk <= MAX_ID for pk in value):
            raise PydanticCustomError("bad_id", "Team ids are positive integers.")
        return value


class ProgramPatchIn(Schema):
    """Only the fields sent change."""

    model_config = {"extra": "forbid"}

    name: Text | None = Field(None, min_length=1, max_length=120)
    kind: Kind | None = None
    pool: PoolKind | None = None
    team_ids: list[int] | None = Field(None, max_length=200)
    locations: list[Text] | None = Field(None, max_length=20)
    group_size: int | None = None
    cadence: Cadence | None = None
    announce_weekday: int | None = Field(None, ge=1, le=7)
    announce_hour: int | None = Field(None, ge=0, le=23)
    time_zone: Text | None = Field(None, max_length=64)
    team_mode: TeamMode | None = None
    avoid_managers: bool | None = None
    paused: bool | None = None

    @field_validator("group_size")
    @classmethod
    def size(cls, value: int | None) -> int | None:
        if value is not None and not MIN_GROUP_SIZE <= value <= MAX_GROUP_SIZE:
            raise PydanticCustomError("group_size", "Groups have 2, 3 or 4 people.")
        return value

    @field_validator("time_zone")
    @classmethod
    def zone(cls, value: str | None) -> str | None:
        if value is not None and value not in valid_time_zones():
            raise PydanticCustomError("bad_time_zone", "Use a time zone name like Europe/Berlin.")
        return value


class RoundOut(Schema):
    id: int
    program_id: int
    held_on: date = Field(description="The programme's local date of the announcement")
    announced_at: datetime
    trigger: str = Field(description="schedule or manual")
    groups: int
    unmatched: int = Field(description="People the rules left without a group")

    @staticmethod
    def resolve_groups(obj: Round) -> int:
        return getattr(obj, "group_count", None) or obj.groups.count()

    @staticmethod
    def resolve_unmatched(obj: Round) -> int:
        return obj.unmatched_count


class MemberOut(Schema):
    id: int
    display_name: str
    title: str
    location: str
    time_zone: str
    why: list[str] = Field(description="Why you two were matched, from what you may see")


class SuggestedTimeOut(Schema):
    start: datetime = Field(description="UTC")
    local: str = Field(description="The same moment in your time zone, ISO 8601 with offset")
    minutes: int


class GroupOut(Schema):
    id: int
    round_id: int
    held_on: date
    program: TeamRefOut
    kind: str
    introduction: str
    members: list[MemberOut] = Field(description="The others in your group")
    suggested_times: list[SuggestedTimeOut]
    my_answer: str | None = Field(description="met, not_met, or null before you answer")


class AnswerIn(Schema):
    model_config = {"extra": "forbid"}

    answer: Literal["met", "not_met"]


class ParticipationIn(Schema):
    model_config = {"extra": "forbid"}

    taking_part: bool | None = Field(None, description="Join (true) or leave (false)")
    snoozed_until: date | None = Field(None, description="Skip rounds up to and including this day")
    wake: bool = Field(False, description="True: end a snooze now")


class DontPairIn(Schema):
    model_config = {"extra": "forbid"}

    person_id: int = Field(ge=1, le=MAX_ID)


class DontPairOut(Schema):
    id: int
    person_id: int
    display_name: str
    created_at: datetime

    @staticmethod
    def resolve_person_id(obj: DontPair) -> int:
        return obj.other_id

    @staticmethod
    def resolve_display_name(obj: DontPair) -> str:
        return obj.other.display_name


class PersonRefOut(Schema):
    id: int
    display_name: str


class BuddyCheckInOut(Schema):
    week: int
    due_on: date
    sent: bool


class BuddyOut(Schema):
    id: int
    newcomer: PersonRefOut
    buddy: PersonRefOut
    reason: str = Field(description="new_joiner or returning")
    started_on: date
    ends_on: date
    check_ins: list[BuddyCheckInOut]

    @staticmethod
    def resolve_check_ins(obj: Buddy) -> list[dict[str, Any]]:
        return [
            {"week": c.week, "due_on": c.due_on, "sent": c.sent_at is not None}
            for c in obj.check_ins.all()
        ]


class BuddyReassignIn(Schema):
    model_config = {"extra": "forbid"}

    person_id: int = Field(ge=1, le=MAX_ID, description="The new buddy")


class MeetingRateOut(Schema):
    released: bool = Field(description="False when the privacy gate holds the figure back")
    message: str
    percent: int | None = Field(description="Share of groups in which someone said they met")
    groups: int | None
    rounds: int | None
    answered_percent: int | None


# --- helpers --------------------------------------------------------------------------------


def _settings_from(
    me: Person, data: dict[str, Any], program: Program | None
) -> services.ProgramSettings:
    current = (
        {}
        if program is None
        else {
            "name": program.name,
            "kind": program.kind,
            "pool": program.pool,
            "team_ids": [t.pk for t in program.teams.all()],
            "locations": program.locations,
            "group_size": program.group_size,
            "cadence": program.cadence,
            "announce_weekday": program.announce_weekday,
            "announce_hour": program.announce_hour,
            "time_zone": program.time_zone,
            "team_mode": program.team_mode,
            "avoid_managers": program.avoid_managers,
        }
    )
    merged = {**current, **{k: v for k, v in data.items() if k != "paused"}}
    team_ids = set(merged.get("team_ids", []))
    teams = list(Team.objects.in_organization(me.organization).filter(pk__in=team_ids))
    if len(teams) != len(team_ids):
        raise ValidationError({"teams": "Choose teams of your own organisation."})
    return services.ProgramSettings(
        name=merged["name"],
        kind=str(merged["kind"]),
        pool=str(merged["pool"]),
        teams=teams,
        locations=list(merged.get("locations", [])),
        group_size=merged["group_size"],
        cadence=str(merged["cadence"]),
        announce_weekday=merged["announce_weekday"],
        announce_hour=merged["announce_hour"],
        time_zone=merged["time_zone"],
        team_mode=str(merged["team_mode"]),
        avoid_managers=merged["avoid_managers"],
    )


def _detail(me: Person, program: Program) -> dict[str, Any]:
    standing = selectors.my_standing(viewer=me, programs=[program])[program.pk]
    out = {field: getattr(program, field) for field in ProgramOut.model_fields if field != "teams"}
    out["teams"] = [{"id": t.pk, "name": t.name} for t in program.teams.all()]
    out.update(
        can_manage=can_manage(me, program),
        next_round_at=None if program.paused else selectors.next_round_at(program),
        me=standing.__dict__,
    )
    return out


def _group_out(me: Person, membership: GroupMember) -> dict[str, Any]:
    card = selectors.group_card(viewer=me, membership=membership)
    return {
        "id": card.group.pk,
        "round_id": card.round.pk,
        "held_on": card.round.held_on,
        "program": {"id": card.program.pk, "name": card.program.name},
        "kind": card.program.kind,
        "introduction": card.introduction,
        "members": [
            {
                "id": m.person.pk,
                "display_name": m.person.display_name,
                "title": m.person.title,
                "location": m.person.location,
                "time_zone": m.person.time_zone,
                "why": m.lines,
            }
            for m in card.others
        ],
        "suggested_times": [
            {"start": t, "local": t.isoformat(), "minutes": card.group.minutes} for t in card.times
        ],
        "my_answer": card.me.answer or None,
    }


# --- programmes -----------------------------------------------------------------------------


@router.get(
    "/pairing/programs",
    response=list[ProgramOut],
    operation_id="pairing_programs_list",
    url_name="pairing_programs",
    summary="My organisation's pairing programmes (?managed=true: those I can change)",
)
@paginate(PageNumber)
def pairing_programs_list(request: HttpRequest, managed: bool = False) -> QuerySet[Program]:
    me = viewer(request)
    if managed:
        return selectors.programs_managed(viewer=me)
    return selectors.programs_visible(viewer=me)


@router.post(
    "/pairing/programs",
    response={201: ProgramDetailOut},
    operation_id="pairing_programs_create",
    url_name="pairing_programs",
    summary="Start a programme (org admins; team leads for their own teams)",
)
def pairing_programs_create(request: HttpRequest, payload: ProgramIn) -> Status[dict[str, Any]]:
    me = viewer(request)
    if not can_create_programs(me):
        raise NotManager("Only the people team and team leads start programmes.")
    program = services.program_create(
        actor=me, settings=_settings_from(me, payload.model_dump(), None)
    )
    return Status(201, _detail(me, get_program_for(me, program.pk)))


@router.get(
    "/pairing/programs/{pairing_program_id}",
    response=ProgramDetailOut,
    operation_id="pairing_programs_read",
    url_name="pairing_program",
    summary="A programme, with where I stand in it",
)
def pairing_programs_read(
    request: HttpRequest, pairing_program_id: int = ProgramId
) -> dict[str, Any]:
    me = viewer(request)
    return _detail(me, get_program_for(me, pairing_program_id))


@router.patch(
    "/pairing/programs/{pairing_program_id}",
    response=ProgramDetailOut,
    operation_id="pairing_programs_update",
    url_name="pairing_program",
    summary="Change, pause (paused=true) or resume a programme",
)
def pairing_programs_update(
    request: HttpRequest, payload: ProgramPatchIn, pairing_program_id: int = ProgramId
) -> dict[str, Any]:
    me = viewer(request)
    program = get_program_for(me, pairing_program_id)
    if not can_manage(me, program):
        raise NotManager()
    sent = payload.model_dump(exclude_unset=True)
    if any(v is None for v in sent.values()):
        raise ValidationError("Leave a field out to keep it; null is not a value.")
    if set(sent) - {"paused"}:
        program = services.program_update(
            actor=me, program=program, settings=_settings_from(me, sent, program)
        )
    if "paused" in sent:
        services.program_set_paused(actor=me, program=program, paused=sent["paused"])
    return _detail(me, get_program_for(me, program.pk))


@router.post(
    "/pairing/programs/{pairing_program_id}/rounds",
    response={201: RoundOut},
    operation_id="pairing_rounds_start",
    url_name="pairing_rounds",
    summary="Announce a round now (once a day per programme)",
)
def pairing_rounds_start(
    request: HttpRequest, pairing_program_id: int = ProgramId
) -> Status[Round]:
    me = viewer(request)
    program = get_program_for(me, pairing_program_id)
    if not can_manage(me, program):
        raise NotManager()
    try:
        made = services.round_run_now(program=program, actor=me)
    except services.RoundAlreadyHeld as exc:
        raise AlreadyHeld() from exc
    return Status(201, made)


@router.get(
    "/pairing/programs/{pairing_program_id}/rounds",
    response=list[RoundOut],
    operation_id="pairing_rounds_list",
    url_name="pairing_rounds",
    summary="A programme's rounds, newest first",
)
@paginate(PageNumber)
def pairing_rounds_list(
    request: HttpRequest, pairing_program_id: int = ProgramId
) -> QuerySet[Round]:
    me = viewer(request)
    return selectors.program_rounds(program=get_program_for(me, pairing_program_id))


@router.get(
    "/pairing/programs/{pairing_program_id}/meeting-rate",
    response=MeetingRateOut,
    operation_id="pairing_meeting_rate_read",
    url_name="pairing_meeting_rate",
    summary="How often groups met, through the privacy gate (managers only)",
)
def pairing_meeting_rate_read(
    request: HttpRequest, pairing_program_id: int = ProgramId
) -> dict[str, Any]:
    me = viewer(request)
    program = get_program_for(me, pairing_program_id)
    if not can_manage(me, program):
        raise NotManager()
    result = selectors.meeting_rates(viewer=me, programs=[program]).get(program.pk)
    empty = {"percent": None, "groups": None, "rounds": None, "answered_percent": None}
    if result is None:
        return {"released": False, "message": "No finished rounds yet.", **empty}
    if not result.released:
        return {"released": False, "message": result.message, **empty}  # type: ignore[union-attr]
    rate = result.value  # type: ignore[union-attr]
    return {
        "released": True,
        "message": "",
        "percent": rate.percent,
        "groups": rate.groups,
        "rounds": rate.rounds,
        "answered_percent": rate.answered_percent,
    }


@router.put(
    "/pairing/programs/{pairing_program_id}/participation",
    response=StandingOut,
    operation_id="pairing_participation_update",
    url_name="pairing_participation",
    summary="Join, leave, snooze or wake up (only you see this)",
)
def pairing_participation_update(
    request: HttpRequest, payload: ParticipationIn, pairing_program_id: int = ProgramId
) -> dict[str, Any]:
    me = viewer(request)
    program = get_program_for(me, pairing_program_id)
    services.participation_update(
        person=me,
        program=program,
        opted_in=payload.taking_part,
        snoozed_until=payload.snoozed_until,
        clear_snooze=payload.wake,
    )
    return selectors.my_standing(viewer=me, programs=[program])[program.pk].__dict__


# --- my groups ------------------------------------------------------------------------------


class GroupPageOut(Schema):
    """The API's list shape, built by hand: each group as its member sees it."""

    items: list[GroupOut]
    count: int
    page: int
    pages: int


@router.get(
    "/pairing/groups",
    response=GroupPageOut,
    operation_id="pairing_groups_list",
    url_name="pairing_groups",
    summary="My groups, newest round first (?current=true: the rounds still open)",
)
def pairing_groups_list(
    request: HttpRequest, pages: Query[PageNumber.Input], current: bool = False
) -> dict[str, Any]:
    me = viewer(request)
    page = PageNumber().paginate_queryset(
        selectors.my_groups(viewer=me, current_only=current), pages, request
    )
    page["items"] = [_group_out(me, m) for m in page["items"]]
    return page


@router.get(
    "/pairing/groups/{pairing_group_id}",
    response=GroupOut,
    operation_id="pairing_groups_read",
    url_name="pairing_group",
    summary="One of my groups: who, why, and when you're all free",
)
def pairing_groups_read(
    request: HttpRequest, pairing_group_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    me = viewer(request)
    group = get_group_for(me, pairing_group_id)
    membership = selectors.round_member(viewer=me, made=group.round)
    assert membership is not None  # get_group_for only finds groups the viewer is in
    return _group_out(me, membership)


@router.post(
    "/pairing/groups/{pairing_group_id}/answer",
    response=GroupOut,
    operation_id="pairing_groups_answer",
    url_name="pairing_group_answer",
    summary='"Did you meet?": met or not_met',
)
def pairing_groups_answer(
    request: HttpRequest, payload: AnswerIn, pairing_group_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    me = viewer(request)
    group = get_group_for(me, pairing_group_id)
    services.group_answer(person=me, group=group, answer=Answer(payload.answer))
    membership = selectors.round_member(viewer=me, made=group.round)
    assert membership is not None
    return _group_out(me, membership)


# --- don't pair -----------------------------------------------------------------------------


@router.get(
    "/pairing/dont-pair",
    response=list[DontPairOut],
    operation_id="pairing_dont_pair_list",
    url_name="pairing_dont_pair",
    summary="My private 'please don't pair me with' list",
)
@paginate(PageNumber)
def pairing_dont_pair_list(request: HttpRequest) -> QuerySet[DontPair]:
    return selectors.dont_pair_list(viewer=viewer(request))


@router.post(
    "/pairing/dont-pair",
    response={201: DontPairOut},
    operation_id="pairing_dont_pair_add",
    url_name="pairing_dont_pair",
    summary="Add a colleague to my don't-pair list (they are never told)",
)
def pairing_dont_pair_add(request: HttpRequest, payload: DontPairIn) -> Status[DontPair]:
    me = viewer(request)
    try:
        other = get_for(me, Person, pk=payload.person_id)
    except Http404 as exc:  # not a colleague: say so in the body's terms
        raise ValidationError({"other": "Choose a colleague from your own organisation."}) from exc
    return Status(201, services.dont_pair_add(person=me, other=other))


@router.delete(
    "/pairing/dont-pair/{dont_pair_id}",
    response={204: None},
    operation_id="pairing_dont_pair_remove",
    url_name="pairing_dont_pair_entry",
    summary="Take someone off my don't-pair list",
)
def pairing_dont_pair_remove(
    request: HttpRequest, dont_pair_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    me = viewer(request)
    services.dont_pair_remove(person=me, entry=get_dont_pair_for(me, dont_pair_id))
    return Status(204, None)


# --- buddies --------------------------------------------------------------------------------


@router.get(
    "/pairing/buddies",
    response=list[BuddyOut],
    operation_id="pairing_buddies_list",
    url_name="pairing_buddies",
    summary="My buddies (?scope=all: every pairing, org admins only)",
)
@paginate(PageNumber)
def pairing_buddies_list(
    request: HttpRequest, scope: Literal["mine", "all"] = "mine"
) -> QuerySet[Buddy]:
    me = viewer(request)
    if scope == "all":
        if not me.is_org_admin:
            raise NotManager("Only the people team sees every buddy pairing.")
        return selectors.buddies_admin(viewer=me)
    return selectors.my_buddies(viewer=me).prefetch_related("check_ins")


class BuddiesAssignedOut(Schema):
    made: int = Field(description="New buddy pairings made now (0: everyone has one)")
    message: str


@router.post(
    "/pairing/buddies/assign",
    response=BuddiesAssignedOut,
    operation_id="pairing_buddies_assign",
    url_name="pairing_buddies_assign",
    summary="Find buddies now for new joiners and returners waiting for one (org admins)",
)
def pairing_buddies_assign(request: HttpRequest) -> dict[str, Any]:
    me = viewer(request)
    if not me.is_org_admin:
        raise NotManager("Only the people team assigns buddies.")
    made = services.buddies_assign(organization=me.organization)
    return {"made": made, "message": services.buddies_assigned_message(made)}


@router.post(
    "/pairing/buddies/{buddy_pairing_id}/reassign",
    response=BuddyOut,
    operation_id="pairing_buddies_reassign",
    url_name="pairing_buddy_reassign",
    summary="Give a newcomer a different buddy (org admins)",
)
def pairing_buddies_reassign(
    request: HttpRequest,
    payload: BuddyReassignIn,
    buddy_pairing_id: int = Path(..., ge=1, le=MAX_ID),
) -> Buddy:
    me = viewer(request)
    pairing = get_buddy_for(me, buddy_pairing_id)
    if not me.is_org_admin:
        raise NotManager("Only the people team changes buddies.")
    try:
        buddy = get_for(me, Person, pk=payload.person_id)
    except Http404 as exc:
        raise ValidationError({"buddy": "Choose a colleague from your own organisation."}) from exc
    services.buddy_reassign(actor=me, pairing=pairing, buddy=buddy)
    return get_buddy_for(me, pairing.pk)
