"""The roadblocks API: my roadblocks (private to me), their opener, invitation and outcome;
and the invitations to talk I received (which show the invitation and nothing else)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from rapport.api.auth import viewer
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text
from rapport.people.access import get_person_for
from rapport.people.models import Person
from rapport.tone.results import tone_result

from . import selectors, services
from .models import (
    DEFAULT_REMIND_AFTER_DAYS,
    MAX_FIELD,
    MAX_INVITATION,
    MAX_OPENER,
    MAX_REMIND_AFTER_DAYS,
    MAX_RESPONSE_NOTE,
    MAX_SITUATION,
    MIN_REMIND_AFTER_DAYS,
    InvitationStatus,
    Outcome,
    Roadblock,
    TalkInvitation,
)

router = Router(tags=["roadblocks"])

# --- schemas -------------------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int
    display_name: str


class SentInvitationOut(Schema):
    id: int
    message: str
    status: InvitationStatus
    proposed_time: datetime | None
    note: str = Field(description="What they wrote with their answer")
    created_at: datetime
    responded_at: datetime | None

    @staticmethod
    def resolve_note(obj: TalkInvitation) -> str:
        return obj.response_note


class RoadblockOut(Schema):
    id: int
    person: PersonRefOut | None = Field(description="Who it is with; null for a situation")
    situation: str
    what_happened: str
    how_i_felt: str
    what_i_need: str
    what_i_will_ask: str
    opener: str
    remind_after_days: int
    next_reminder_at: datetime | None
    outcome: Outcome | None
    outcome_at: datetime | None
    invitation: SentInvitationOut | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_outcome(obj: Roadblock) -> str | None:
        return obj.outcome or None

    @staticmethod
    def resolve_invitation(obj: Roadblock) -> TalkInvitation | None:
        try:
            return obj.invitation
        except TalkInvitation.DoesNotExist:
            return None


class RoadblockCreateIn(Schema):
    model_config = {"extra": "forbid"}

    person_id: int | None = Field(None, ge=1, le=MAX_ID, description="Who it is with")
    situation: Text = Field("", max_length=MAX_SITUATION, description="Or: what it is about")
    what_happened: Text = Field(max_length=MAX_FIELD)
    how_i_felt: Text = Field(max_length=MAX_FIELD)
    what_i_need: Text = Field(max_length=MAX_FIELD)
    what_i_will_ask: Text = Field(max_length=MAX_FIELD)
    remind_after_days: int = Field(
        DEFAULT_REMIND_AFTER_DAYS, ge=MIN_REMIND_AFTER_DAYS, le=MAX_REMIND_AFTER_DAYS
    )


class RoadblockUpdateIn(Schema):
    """Only the fields sent change. `person_id: null` turns it into a situation."""

    model_config = {"extra": "forbid"}

    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    situation: Text | None = Field(None, max_length=MAX_SITUATION)
    what_happened: Text | None = Field(None, max_length=MAX_FIELD)
    how_i_felt: Text | None = Field(None, max_length=MAX_FIELD)
    what_i_need: Text | None = Field(None, max_length=MAX_FIELD)
    what_i_will_ask: Text | None = Field(None, max_length=MAX_FIELD)
    opener: Text | None = Field(None, max_length=MAX_OPENER)
    remind_after_days: int | None = Field(None, ge=MIN_REMIND_AFTER_DAYS, le=MAX_REMIND_AFTER_DAYS)


class ToneFlagOut(Schema):
    start: int
    end: int
    kind: str
    reason: str


class ToneOut(Schema):
    text: str
    flagged: bool
    flags: list[ToneFlagOut]
    suggestion: str | None


class OpenerOut(Schema):
    opener: str = Field(description="A suggested opener from the four parts (not saved)")
    tone: ToneOut = Field(description="What the tone coach says about it")


class InviteIn(Schema):
    model_config = {"extra": "forbid"}

    message: Text = Field(max_length=MAX_INVITATION, description="All the other person will see")


class OutcomeIn(Schema):
    model_config = {"extra": "forbid"}

    outcome: Outcome


class RoadblockListQuery(Schema):
    open: bool | None = Field(None, description="Only open (true) or only closed (false)")


class ReceivedInvitationOut(Schema):
    id: int
    sender: PersonRefOut
    message: str
    status: InvitationStatus
    proposed_time: datetime | None
    note: str
    created_at: datetime
    responded_at: datetime | None

    @staticmethod
    def resolve_note(obj: TalkInvitation) -> str:
        return obj.response_note


class InvitationListQuery(Schema):
    pending: bool = Field(False, description="Only invitations not answered yet")


class InvitationRespondIn(Schema):
    model_config = {"extra": "forbid"}

    status: InvitationStatus = Field(description="accepted, proposed or declined")
    proposed_time: datetime | None = Field(
        None, description="With status proposed: when, with its UTC offset"
    )
    note: Text = Field("", max_length=MAX_RESPONSE_NOTE)


def _person(request: HttpRequest, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    try:
        return get_person_for(viewer(request), person_id)
    except Http404:
        raise ValidationError(
            {"person_id": "Choose someone in your organisation."}, code="unknown_person"
        ) from None


# --- my roadblocks ---------------------------------------------------------------------------


@router.get(
    "/roadblocks",
    response=list[RoadblockOut],
    operation_id="roadblocks_list",
    url_name="roadblocks",
    summary="My roadblocks (only ever mine): open ones first, newest first",
)
@paginate(PageNumber)
def roadblocks_list(request: HttpRequest, filters: Query[RoadblockListQuery]) -> Any:
    roadblocks = selectors.roadblocks_of(author=viewer(request))
    if filters.open is True:
        roadblocks = roadblocks.filter(outcome="")
    elif filters.open is False:
        roadblocks = roadblocks.exclude(outcome="")
    return roadblocks


@router.post(
    "/roadblocks",
    response={201: RoadblockOut},
    operation_id="roadblocks_create",
    url_name="roadblocks",
    summary="Note a roadblock, privately; a first opener is drafted from it",
)
def roadblocks_create(request: HttpRequest, payload: RoadblockCreateIn) -> Status[Roadblock]:
    roadblock = services.roadblock_create(
        author=viewer(request),
        person=_person(request, payload.person_id),
        situation=payload.situation,
        what_happened=payload.what_happened,
        how_i_felt=payload.how_i_felt,
        what_i_need=payload.what_i_need,
        what_i_will_ask=payload.what_i_will_ask,
        remind_after_days=payload.remind_after_days,
    )
    return Status(201, roadblock)


@router.get(
    "/roadblocks/{roadblock_id}",
    response=RoadblockOut,
    operation_id="roadblocks_read",
    url_name="roadblock",
    summary="One of my roadblocks",
)
def roadblocks_read(
    request: HttpRequest, roadblock_id: int = Path(..., ge=1, le=MAX_ID)
) -> Roadblock:
    return selectors.get_roadblock_for(viewer(request), roadblock_id)


@router.patch(
    "/roadblocks/{roadblock_id}",
    response=RoadblockOut,
    operation_id="roadblocks_update",
    url_name="roadblock",
    summary="Change one of my roadblocks (its parts, opener, reminder interval, person)",
)
def roadblocks_update(
    request: HttpRequest, payload: RoadblockUpdateIn, roadblock_id: int = Path(..., ge=1, le=MAX_ID)
) -> Roadblock:
    roadblock = selectors.get_roadblock_for(viewer(request), roadblock_id)
    sent = payload.model_fields_set
    changes: dict[str, Any] = {
        name: getattr(payload, name)
        for name in (
            "situation",
            "what_happened",
            "how_i_felt",
            "what_i_need",
            "what_i_will_ask",
            "opener",
            "remind_after_days",
        )
        if name in sent
    }
    for name, value in changes.items():
        if value is None:
            raise ValidationError({name: "This field can't be null; leave it out to keep it."})
    if "person_id" in sent:
        changes["person"] = _person(request, payload.person_id)
    return services.roadblock_update(roadblock=roadblock, **changes)


@router.delete(
    "/roadblocks/{roadblock_id}",
    response={204: None},
    operation_id="roadblocks_delete",
    url_name="roadblock",
    summary="Delete one of my roadblocks (and the invitation it sent)",
)
def roadblocks_delete(
    request: HttpRequest, roadblock_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    roadblock = selectors.get_roadblock_for(viewer(request), roadblock_id)
    services.roadblock_delete(roadblock=roadblock)
    return Status(204, None)


@router.post(
    "/roadblocks/{roadblock_id}/opener",
    response=OpenerOut,
    operation_id="roadblocks_suggest_opener",
    url_name="roadblock_opener",
    summary="Suggest an observation-first opener, checked by the tone coach (not saved)",
)
def roadblocks_suggest_opener(
    request: HttpRequest, roadblock_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    roadblock = selectors.get_roadblock_for(viewer(request), roadblock_id)
    suggestion = services.roadblock_suggest_opener(roadblock=roadblock)
    return {"opener": suggestion.opener, "tone": tone_result(suggestion.opener)}


@router.post(
    "/roadblocks/{roadblock_id}/invitation",
    response={201: SentInvitationOut},
    operation_id="roadblocks_invite",
    url_name="roadblock_invitation",
    summary="Invite the person to talk; they see only this message",
)
def roadblocks_invite(
    request: HttpRequest, payload: InviteIn, roadblock_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[TalkInvitation]:
    roadblock = selectors.get_roadblock_for(viewer(request), roadblock_id)
    return Status(201, services.roadblock_invite(roadblock=roadblock, message=payload.message))


@router.post(
    "/roadblocks/{roadblock_id}/outcome",
    response=RoadblockOut,
    operation_id="roadblocks_record_outcome",
    url_name="roadblock_outcome",
    summary="Record how it went; reminders stop",
)
def roadblocks_record_outcome(
    request: HttpRequest, payload: OutcomeIn, roadblock_id: int = Path(..., ge=1, le=MAX_ID)
) -> Roadblock:
    roadblock = selectors.get_roadblock_for(viewer(request), roadblock_id)
    services.roadblock_record_outcome(roadblock=roadblock, outcome=payload.outcome)
    return selectors.get_roadblock_for(viewer(request), roadblock_id)


# --- invitations I received ------------------------------------------------------------------


@router.get(
    "/talk-invitations",
    response=list[ReceivedInvitationOut],
    operation_id="talk_invitations_list",
    url_name="talk_invitations",
    summary="Invitations to talk I received, newest first",
)
@paginate(PageNumber)
def talk_invitations_list(request: HttpRequest, filters: Query[InvitationListQuery]) -> Any:
    return selectors.invitations_received(person=viewer(request), pending_only=filters.pending)


@router.get(
    "/talk-invitations/{invitation_id}",
    response=ReceivedInvitationOut,
    operation_id="talk_invitations_read",
    url_name="talk_invitation",
    summary="One invitation to talk I received",
)
def talk_invitations_read(
    request: HttpRequest, invitation_id: int = Path(..., ge=1, le=MAX_ID)
) -> TalkInvitation:
    return selectors.get_invitation_for(viewer(request), invitation_id)


@router.post(
    "/talk-invitations/{invitation_id}/response",
    response=ReceivedInvitationOut,
    operation_id="talk_invitations_respond",
    url_name="talk_invitation_response",
    summary="Accept, propose a time, or decline an invitation to talk",
)
def talk_invitations_respond(
    request: HttpRequest,
    payload: InvitationRespondIn,
    invitation_id: int = Path(..., ge=1, le=MAX_ID),
) -> TalkInvitation:
    invitation = selectors.get_invitation_for(viewer(request), invitation_id)
    return services.invitation_respond(
        invitation=invitation,
        status=payload.status,
        proposed_time=payload.proposed_time,
        note=payload.note,
    )
