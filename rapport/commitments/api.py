"""The commitments API: my lists, making and asking for promises, every move on one, my
follow-through record, a teammate's shared one, a team's figures, and my settings.

Due times: send an ISO 8601 time with a UTC offset ("2026-03-09T09:00:00-04:00" or "…Z").
Without an offset it is read as a local time in your own time zone, and a time that doesn't
exist there (the hour skipped when clocks go forward) is refused with a message.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from rapport.api.auth import viewer
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text
from rapport.people.models import Person
from rapport.privacy.gate import Released

from . import selectors, services
from .models import Commitment, CommitmentEvent
from .selectors import Show, Tab
from .states import Side, State, actions_for
from .timing import due_from_input

router = Router(tags=["commitments"])

#: Bounds what a request may carry; the services say clearly when text is over TEXT_MAX.
BODY_TEXT_MAX = 2000


# --- schemas -------------------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int
    display_name: str


class CommitmentOut(Schema):
    id: int
    text: str
    state: State = Field(description="asked, open, delivered, done, released, declined, missed")
    due_at: datetime = Field(description="When it is due now (UTC)")
    original_due_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    outcome: str = Field(
        description="For done and missed promises: on_time, renegotiated_early, late, missed"
    )
    renegotiations: int
    renegotiated_late: bool
    promiser: PersonRefOut
    receivers: list[PersonRefOut]
    asked_by: PersonRefOut | None
    my_side: str = Field(description="'promiser' or 'receiver': which side of it you are")
    my_actions: list[str] = Field(description="What you may do with it now")

    @staticmethod
    def resolve_receivers(obj: Commitment) -> list[Person]:
        return list(obj.receivers.all())

    @staticmethod
    def resolve_my_side(obj: Commitment, context: dict[str, Any]) -> str:
        return _side(obj, context).value

    @staticmethod
    def resolve_my_actions(obj: Commitment, context: dict[str, Any]) -> list[str]:
        return sorted(a.value for a in actions_for(state=obj.state, side=_side(obj, context)))


def _side(obj: Commitment, context: dict[str, Any]) -> Side:
    person = viewer(context["request"])
    return Side.PROMISER if obj.promiser_id == person.pk else Side.RECEIVER


class EventOut(Schema):
    kind: str
    actor: PersonRefOut | None = Field(description="Null when Rapport did it")
    note: str
    old_due_at: datetime | None
    new_due_at: datetime | None
    early: bool | None = Field(description="For a renegotiation: made before the due time?")
    created_at: datetime


class CommitmentDetailOut(CommitmentOut):
    history: list[EventOut]

    @staticmethod
    def resolve_history(obj: Commitment) -> list[CommitmentEvent]:
        return list(selectors.commitment_history(commitment=obj))


class ListQuery(Schema):
    tab: Tab = Field(
        Tab.PROMISED,
        description="promised (I promised), to_me (promised to me or asked by me), "
        "asked (asked of me)",
    )
    show: Show = Field(Show.ACTIVE, description="active, closed or all")
    state: State | None = Field(None, description="Only promises in this state")


class PromiseIn(Schema):
    model_config = {"extra": "forbid"}

    text: Text = Field(max_length=BODY_TEXT_MAX, description="What you'll do (≤ 280 chars)")
    receiver_ids: list[int] = Field(
        max_length=50, description="The colleagues it's for", examples=[[12]]
    )
    due_at: datetime = Field(examples=["2026-03-09T09:00:00-04:00"])


class AskIn(Schema):
    model_config = {"extra": "forbid"}

    promiser_id: int = Field(ge=1, le=MAX_ID, description="The colleague you are asking")
    text: Text = Field(max_length=BODY_TEXT_MAX, description="What you're asking for")
    due_at: datetime


class AcceptIn(Schema):
    model_config = {"extra": "forbid"}

    due_at: datetime | None = Field(None, description="Another due time; null: as asked")


class NoteIn(Schema):
    model_config = {"extra": "forbid"}

    note: Text = Field("", max_length=BODY_TEXT_MAX)


class RequiredNoteIn(Schema):
    model_config = {"extra": "forbid"}

    note: Text = Field(max_length=BODY_TEXT_MAX)


class RenegotiateIn(Schema):
    model_config = {"extra": "forbid"}

    due_at: datetime = Field(description="The new due time, in the future")
    message: Text = Field(max_length=BODY_TEXT_MAX, description="A short message: why")


class RecordOut(Schema):
    days: int = Field(description="The record looks back this many days")
    on_time: int
    renegotiated_early: int
    late: int
    missed: int
    total: int
    follow_through_rate: int | None = Field(
        description="Percent kept on time or renegotiated early; null with nothing settled"
    )


class TeamFiguresOut(Schema):
    promises_settled: int
    follow_through_rate: int | None
    on_time_rate: int | None
    renegotiated_early_rate: int | None
    late_rate: int | None
    missed_rate: int | None


class TeamRecordOut(Schema):
    team_id: int
    days: int
    released: bool = Field(description="False when the privacy gate withholds the figures")
    message: str | None
    people: int | None
    figures: TeamFiguresOut | None


class SettingsIn(Schema):
    model_config = {"extra": "forbid"}

    reminder_minutes: list[int] = Field(
        max_length=20,
        description="Reminders before a due time, in minutes (one at the due time always)",
        examples=[[1440, 120]],
    )
    share_record: bool = Field(description="Show my follow-through record to my teams")


class SettingsOut(Schema):
    reminder_minutes: list[int]
    share_record: bool


def _record_out(record: selectors.FollowThrough) -> dict[str, Any]:
    return {"days": selectors.RECORD_DAYS, **record.as_dict()}


def _fresh(person: Person, commitment: Commitment) -> Commitment:
    return selectors.get_commitment_for(person, commitment.pk)


# --- lists and making ----------------------------------------------------------------------


@router.get(
    "/commitments",
    response=list[CommitmentOut],
    operation_id="commitments_list",
    url_name="commitments",
    summary="My promises: made by me, to me, or asked of me",
)
@paginate(PageNumber)
def commitments_list(request: HttpRequest, filters: Query[ListQuery]) -> Any:
    return selectors.commitments_for(
        person=viewer(request), tab=filters.tab, show=filters.show, state=filters.state or ""
    )


@router.post(
    "/commitments",
    response={201: CommitmentOut},
    operation_id="commitments_create",
    url_name="commitments",
    summary="Promise something to one or more colleagues, by a due time",
)
def commitments_create(request: HttpRequest, payload: PromiseIn) -> Status[Commitment]:
    person = viewer(request)
    commitment = services.commitment_promise(
        promiser=person,
        receiver_ids=payload.receiver_ids,
        text=payload.text,
        due_at=due_from_input(payload.due_at, person.tz),
    )
    return Status(201, _fresh(person, commitment))


@router.post(
    "/commitments/ask",
    response={201: CommitmentOut},
    operation_id="commitments_ask",
    url_name="commitments_ask",
    summary="Ask a colleague to do something by a due time",
)
def commitments_ask(request: HttpRequest, payload: AskIn) -> Status[Commitment]:
    person = viewer(request)
    commitment = services.commitment_ask(
        asker=person,
        promiser_id=payload.promiser_id,
        text=payload.text,
        due_at=due_from_input(payload.due_at, person.tz),
    )
    return Status(201, _fresh(person, commitment))


# --- records and settings (before /commitments/{id}, whose id would swallow them) ----------


@router.get(
    "/commitments/record",
    response=RecordOut,
    operation_id="commitments_record",
    url_name="commitments_record",
    summary="My follow-through over the last 90 days",
)
def commitments_record(request: HttpRequest) -> dict[str, Any]:
    return _record_out(selectors.follow_through(person=viewer(request)))


@router.get(
    "/commitments/settings",
    response=SettingsOut,
    operation_id="commitments_settings_read",
    url_name="commitments_settings",
    summary="My reminders and whether my record is shared with my teams",
)
def commitments_settings_read(request: HttpRequest) -> Any:
    return selectors.settings_for(person=viewer(request))


@router.put(
    "/commitments/settings",
    response=SettingsOut,
    operation_id="commitments_settings_update",
    url_name="commitments_settings",
    summary="Change my reminders and sharing",
)
def commitments_settings_update(request: HttpRequest, payload: SettingsIn) -> Any:
    return services.commitment_settings_update(
        person=viewer(request),
        reminder_minutes=payload.reminder_minutes,
        share_record=payload.share_record,
    )


@router.get(
    "/commitments/people",
    response=list[PersonRefOut],
    operation_id="commitments_shared_records",
    url_name="commitments_shared_records",
    summary="Teammates who chose to share their follow-through record with their team",
)
@paginate(PageNumber)
def commitments_shared_records(request: HttpRequest) -> Any:
    return selectors.teammates_sharing(viewer=viewer(request))


@router.get(
    "/commitments/people/{person_id}/record",
    response=RecordOut,
    operation_id="commitments_person_record",
    url_name="commitments_person_record",
    summary="A teammate's follow-through, if they chose to share it with their team",
)
def commitments_person_record(
    request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    person = selectors.get_shared_record_person_for(viewer(request), person_id)
    return _record_out(selectors.follow_through(person=person))


@router.get(
    "/commitments/teams/{team_id}/record",
    response=TeamRecordOut,
    operation_id="commitments_team_record",
    url_name="commitments_team_record",
    summary="A team's follow-through rates (leads and org admins; privacy-gated)",
)
def commitments_team_record(
    request: HttpRequest, team_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    person = viewer(request)
    team = selectors.get_team_record_team_for(person, team_id)
    result = selectors.team_follow_through(viewer=person, team=team)
    if isinstance(result, Released):
        return {
            "team_id": team.pk,
            "days": selectors.RECORD_DAYS,
            "released": True,
            "message": None,
            "people": result.people,
            "figures": result.value,
        }
    return {
        "team_id": team.pk,
        "days": selectors.RECORD_DAYS,
        "released": False,
        "message": result.message,
        "people": None,
        "figures": None,
    }


# --- one promise ---------------------------------------------------------------------------


@router.get(
    "/commitments/{commitment_id}",
    response=CommitmentDetailOut,
    operation_id="commitment_read",
    url_name="commitment",
    summary="One promise, with its history",
)
def commitment_read(
    request: HttpRequest, commitment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Commitment:
    return selectors.get_commitment_for(viewer(request), commitment_id)


@router.post(
    "/commitments/{commitment_id}/accept",
    response=CommitmentOut,
    operation_id="commitment_accept",
    url_name="commitment_accept",
    summary="Accept what you were asked, as asked or by another due time",
)
def commitment_accept(
    request: HttpRequest, payload: AcceptIn, commitment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Commitment:
    person = viewer(request)
    commitment = selectors.get_commitment_for(person, commitment_id)
    due_at = due_from_input(payload.due_at, person.tz) if payload.due_at else None
    services.commitment_accept(commitment=commitment, person=person, due_at=due_at)
    return _fresh(person, commitment)


@router.post(
    "/commitments/{commitment_id}/decline",
    response=CommitmentOut,
    operation_id="commitment_decline",
    url_name="commitment_decline",
    summary="Decline what you were asked, with a short note",
)
def commitment_decline(
    request: HttpRequest, payload: RequiredNoteIn, commitment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Commitment:
    person = viewer(request)
    commitment = selectors.get_commitment_for(person, commitment_id)
    services.commitment_decline(commitment=commitment, person=person, note=payload.note)
    return _fresh(person, commitment)


@router.post(
    "/commitments/{commitment_id}/renegotiate",
    response=CommitmentOut,
    operation_id="commitment_renegotiate",
    url_name="commitment_renegotiate",
    summary="Move the due time, with a short message (before it's due keeps trust)",
)
def commitment_renegotiate(
    request: HttpRequest, payload: RenegotiateIn, commitment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Commitment:
    person = viewer(request)
    commitment = selectors.get_commitment_for(person, commitment_id)
    services.commitment_renegotiate(
        commitment=commitment,
        person=person,
        due_at=due_from_input(payload.due_at, person.tz),
        message=payload.message,
    )
    return _fresh(person, commitment)


@router.post(
    "/commitments/{commitment_id}/deliver",
    response=CommitmentOut,
    operation_id="commitment_deliver",
    url_name="commitment_deliver",
    summary="Say it's delivered; it counts as done when confirmed or after three days",
)
def commitment_deliver(
    request: HttpRequest, payload: NoteIn, commitment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Commitment:
    person = viewer(request)
    commitment = selectors.get_commitment_for(person, commitment_id)
    services.commitment_deliver(commitment=commitment, person=person, note=payload.note)
    return _fresh(person, commitment)


@router.post(
    "/commitments/{commitment_id}/confirm",
    response=CommitmentOut,
    operation_id="commitment_confirm",
    url_name="commitment_confirm",
    summary="Confirm a promise made to you is done",
)
def commitment_confirm(
    request: HttpRequest, commitment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Commitment:
    person = viewer(request)
    commitment = selectors.get_commitment_for(person, commitment_id)
    services.commitment_confirm(commitment=commitment, person=person)
    return _fresh(person, commitment)


@router.post(
    "/commitments/{commitment_id}/object",
    response=CommitmentOut,
    operation_id="commitment_object",
    url_name="commitment_object",
    summary="Say a delivery isn't done yet, with a note; the promise is open again",
)
def commitment_object(
    request: HttpRequest, payload: RequiredNoteIn, commitment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Commitment:
    person = viewer(request)
    commitment = selectors.get_commitment_for(person, commitment_id)
    services.commitment_object(commitment=commitment, person=person, note=payload.note)
    return _fresh(person, commitment)


@router.post(
    "/commitments/{commitment_id}/release",
    response=CommitmentOut,
    operation_id="commitment_release",
    url_name="commitment_release",
    summary="Let the promiser off (or withdraw what you asked)",
)
def commitment_release(
    request: HttpRequest, payload: NoteIn, commitment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Commitment:
    person = viewer(request)
    commitment = selectors.get_commitment_for(person, commitment_id)
    services.commitment_release(commitment=commitment, person=person, note=payload.note)
    return _fresh(person, commitment)
