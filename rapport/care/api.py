"""The Care API: everything a member and a therapist do in the pages.

Members authenticate like everywhere else (their Person). Therapists and practice admins
are not Persons, so their operations use `STAFF_AUTH`, which resolves a personal access
token or a session to the User; `rapport.care.access` then decides what they may see.
Anything that is not the caller's answers 404, for members and staff alike.
"""

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import AwareDatetime

from rapport.accounts.tokens import token_authenticate
from rapport.api.auth import viewer
from rapport.api.errors import ApiError, CsrfFailed, NotAuthenticated
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text

from . import access, selectors, services
from .data_rights import care_export
from .invites import booking_calendar, client_link
from .models import Booking, DateException, Language, SessionType, Specialty, Therapist

router = Router(tags=["care"])


# --- authentication for therapists and practice admins -------------------------------------


class StaffBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        access_token = token_authenticate(token.strip())
        if access_token is None:
            raise NotAuthenticated("This token is unknown, expired or revoked.")
        request.user = access_token.user
        return access_token.user


class StaffSession(APIKeyCookie):
    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed()
        return request.user


STAFF_AUTH = [StaffBearer(), StaffSession()]


def _caller(request: HttpRequest) -> Any:
    """The User behind a staff operation (STAFF_AUTH puts it in request.auth)."""
    return getattr(request, "auth", None)


def _therapist(request: HttpRequest) -> Therapist:
    therapist = access.therapist_for_user(_caller(request))
    if therapist is None:
        raise Http404("No therapist here")
    return therapist


class SlotTakenError(ApiError):
    status = 409
    code = "slot_taken"
    detail = "This time was just taken. Please choose another one."


class _Listing(list[Any]):
    """A computed list that PageNumber can paginate like a queryset."""

    def count(self, *args: Any) -> int:
        return len(self)

    def none(self) -> list[Any]:
        return []


# --- schemas -------------------------------------------------------------------------------


class AllowanceOut(Schema):
    offered: bool = Field(description="Whether the caller's organisation offers Care")
    year: int
    per_year: int = Field(description="Funded sessions per person per calendar year")
    used: int
    left: int


class SessionTypeOut(Schema):
    id: int
    name: str
    duration_minutes: int
    is_intro: bool = Field(description="Free introduction: never counts as a funded session")
    mode: str = Field(description="video or in_person")


class TherapistOut(Schema):
    id: int
    display_name: str
    pronouns: str
    photo_url: str
    bio: str
    credentials: str
    practice: str
    specialties: list[str]
    languages: list[str]
    session_types: list[SessionTypeOut]

    @staticmethod
    def resolve_practice(obj: Therapist) -> str:
        return obj.practice.name

    @staticmethod
    def resolve_specialties(obj: Therapist) -> list[str]:
        return obj.specialty_codes

    @staticmethod
    def resolve_languages(obj: Therapist) -> list[str]:
        return obj.language_codes

    @staticmethod
    def resolve_session_types(obj: Therapist) -> list[SessionType]:
        return [t for t in obj.session_types.all() if t.is_active]


class DirectoryItemOut(Schema):
    therapist: TherapistOut
    soonest_start: datetime | None = Field(description="The soonest free slot, UTC")
    soonest_session_type_id: int | None


class DirectoryQuery(Schema):
    specialty: Specialty | None = Field(None, description="Only therapists with this specialty")
    language: Language | None = Field(None, description="Only therapists speaking this language")
    sort: Literal["soonest", "name"] = Field("soonest")


class SlotsQuery(Schema):
    session_type: int | None = Field(None, ge=1, le=MAX_ID)
    start: date | None = Field(None, description="First day, in the caller's time zone")
    days: int = Field(7, ge=1, le=14)


class SlotOut(Schema):
    start: datetime
    end: datetime


class SlotsOut(Schema):
    therapist_id: int
    session_type_id: int
    time_zone: str = Field(description="The caller's time zone, in which `start` was read")
    slots: list[SlotOut]


class BookingIn(Schema):
    model_config = {"extra": "forbid"}

    therapist_id: int = Field(..., ge=1, le=MAX_ID)
    session_type_id: int = Field(..., ge=1, le=MAX_ID)
    start: AwareDatetime = Field(description="A slot's start, with its offset")
    intake_reason: Text = Field("", max_length=2000, description="What brings you here")
    intake_contact: Text = Field("", max_length=500, description="How to reach you")


class BookingOut(Schema):
    id: int
    therapist_id: int
    therapist_name: str
    session_type: SessionTypeOut
    starts_at: datetime
    ends_at: datetime
    status: str
    funded: bool
    cancelled_by: str
    location: str = Field(description="The video link or the address")
    intake_reason: str
    intake_contact: str
    can_change: bool = Field(description="Whether it can still be moved or cancelled here")

    @staticmethod
    def resolve_therapist_name(obj: Booking) -> str:
        return obj.therapist.display_name

    @staticmethod
    def resolve_location(obj: Booking) -> str:
        return obj.session_type.where

    @staticmethod
    def resolve_can_change(obj: Booking) -> bool:
        return (
            obj.status == Booking.Status.CONFIRMED
            and obj.starts_at - timezone.now() >= services.change_cutoff()
        )


class RescheduleIn(Schema):
    model_config = {"extra": "forbid"}

    start: AwareDatetime


class UsageMonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    released: bool = Field(description="False: about too few people to show")
    sessions: int | None
    people: int | None


class SessionOut(Schema):
    id: int
    client_name: str
    session_type: SessionTypeOut
    starts_at: datetime
    ends_at: datetime
    status: str

    @staticmethod
    def resolve_client_name(obj: Booking) -> str:
        return obj.client.display_name


class SessionDetailOut(Schema):
    id: int
    client_name: str
    session_type: SessionTypeOut
    starts_at: datetime
    ends_at: datetime
    status: str
    intake_reason: str
    intake_contact: str
    note: str = Field(description="Your private notes (only you can read them)")


class NoteIn(Schema):
    model_config = {"extra": "forbid"}

    text: Text = Field(..., max_length=20_000)


class OutcomeIn(Schema):
    model_config = {"extra": "forbid"}

    outcome: Literal["attended", "no_show"]


class WeeklyHoursSchema(Schema):
    weekday: int = Field(..., ge=1, le=7, description="Monday=1 … Sunday=7")
    start: time
    end: time


class ExceptionIn(Schema):
    model_config = {"extra": "forbid"}

    day: date
    kind: DateException.Kind
    start: time | None = None
    end: time | None = None


class ExceptionOut(Schema):
    id: int
    day: date
    kind: str
    start: time | None
    end: time | None


class AvailabilityIn(Schema):
    model_config = {"extra": "forbid"}

    time_zone: Text = Field(..., max_length=64)
    buffer_before_minutes: int = Field(..., ge=0, le=120)
    buffer_after_minutes: int = Field(..., ge=0, le=120)
    min_notice_hours: int = Field(..., ge=0, le=24 * 14)
    horizon_days: int = Field(..., ge=1, le=365)
    max_sessions_per_day: int | None = Field(None, ge=1, le=24)
    slot_step_minutes: int = Field(..., ge=5, le=240)
    weekly_hours: list[WeeklyHoursSchema] = Field(..., max_length=100)


class AvailabilityOut(Schema):
    therapist_id: int
    time_zone: str
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_hours: int
    horizon_days: int
    max_sessions_per_day: int | None
    slot_step_minutes: int
    weekly_hours: list[WeeklyHoursSchema]
    exceptions: list[ExceptionOut]


class ProfileIn(Schema):
    model_config = {"extra": "forbid"}

    display_name: Text = Field(..., min_length=1, max_length=120)
    pronouns: Text = Field("", max_length=30)
    photo_url: Text = Field("", max_length=200, description="An https link to a portrait")
    bio: Text = Field("", max_length=3000)
    credentials: Text = Field("", max_length=300)
    specialties: list[Specialty] = Field(default_factory=list, max_length=20)
    languages: list[Language] = Field(..., min_length=1, max_length=20)
    is_active: bool = Field(True, description="Taking new bookings (false pauses them)")


class ProfileOut(Schema):
    therapist_id: int
    display_name: str
    pronouns: str
    photo_url: str
    bio: str
    credentials: str
    specialties: list[str]
    languages: list[str]
    is_active: bool

    @staticmethod
    def resolve_therapist_id(obj: Therapist) -> int:
        return obj.pk

    @staticmethod
    def resolve_specialties(obj: Therapist) -> list[str]:
        return obj.specialty_codes

    @staticmethod
    def resolve_languages(obj: Therapist) -> list[str]:
        return obj.language_codes


class PracticeTherapistOut(Schema):
    id: int
    display_name: str
    practice: str
    time_zone: str
    is_active: bool

    @staticmethod
    def resolve_practice(obj: Therapist) -> str:
        return obj.practice.name


class ScheduleItemOut(Schema):
    """A practice admin's view of a session: when and what, never who or why."""

    id: int
    starts_at: datetime
    ends_at: datetime
    session_type: str
    status: str

    @staticmethod
    def resolve_session_type(obj: Booking) -> str:
        return obj.session_type.name


class IntroRequestOut(Schema):
    id: int
    practice: str
    name: str
    email: str
    confirmed_at: datetime | None
    handled_at: datetime | None

    @staticmethod
    def resolve_practice(obj: Any) -> str:
        return str(obj.practice.name)


# --- the member's operations ---------------------------------------------------------------


@router.get(
    "/care/allowance",
    response=AllowanceOut,
    operation_id="care_allowance_read",
    url_name="care_allowance",
    summary="My funded sessions this year",
)
def care_allowance_read(request: HttpRequest) -> dict[str, Any]:
    allowance = selectors.allowance_for(person=viewer(request))
    return {**allowance.__dict__, "left": allowance.left}


@router.get(
    "/care/therapists",
    response=list[DirectoryItemOut],
    operation_id="care_therapists_list",
    url_name="care_therapists",
    summary="Therapists my organisation offers, soonest available first",
)
@paginate(PageNumber)
def care_therapists_list(request: HttpRequest, filters: Query[DirectoryQuery]) -> Any:
    entries = selectors.directory(
        viewer=viewer(request),
        specialty=filters.specialty or "",
        language=filters.language or "",
        sort=filters.sort,
    )
    return _Listing(
        {
            "therapist": e.therapist,
            "soonest_start": e.soonest.start if e.soonest else None,
            "soonest_session_type_id": e.session_type.pk if e.session_type else None,
        }
        for e in entries
    )


@router.get(
    "/care/therapists/{therapist_id}",
    response=TherapistOut,
    operation_id="care_therapist_read",
    url_name="care_therapist",
    summary="One therapist's profile",
)
def care_therapist_read(
    request: HttpRequest, therapist_id: int = Path(..., ge=1, le=MAX_ID)
) -> Therapist:
    return access.get_therapist_for(viewer(request), therapist_id)


@router.get(
    "/care/therapists/{therapist_id}/slots",
    response=SlotsOut,
    operation_id="care_therapist_slots",
    url_name="care_therapist_slots",
    summary="Free times for a session type (up to 14 days from `start`)",
)
def care_therapist_slots(
    request: HttpRequest,
    query: Query[SlotsQuery],
    therapist_id: int = Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    me = viewer(request)
    therapist = access.get_therapist_for(me, therapist_id)
    types = [t for t in therapist.session_types.all() if t.is_active]
    session_type = next((t for t in types if t.pk == query.session_type), None)
    if session_type is None:
        if query.session_type is not None:
            raise Http404("No such session type")
        session_type = selectors.default_session_type(therapist)
        if session_type is None:
            raise Http404("No sessions")
    today = timezone.now().astimezone(me.tz).date()
    first = max(query.start or today, today)
    if first > today + timedelta(days=366):
        first = today + timedelta(days=366)
    start = datetime.combine(first, time.min, tzinfo=me.tz)
    until = datetime.combine(first + timedelta(days=query.days), time.min, tzinfo=me.tz)
    found = selectors.slots_for(
        therapist=therapist, session_type=session_type, start=start, until=until
    )
    return {
        "therapist_id": therapist.pk,
        "session_type_id": session_type.pk,
        "time_zone": me.time_zone,
        "slots": [{"start": s.start, "end": s.end} for s in found],
    }


@router.get(
    "/care/bookings",
    response=list[BookingOut],
    operation_id="care_bookings_list",
    url_name="care_bookings",
    summary="My appointments, newest first",
)
@paginate(PageNumber)
def care_bookings_list(request: HttpRequest) -> QuerySet[Booking]:
    return selectors.bookings_for(viewer=viewer(request))


@router.post(
    "/care/bookings",
    response={201: BookingOut},
    operation_id="care_bookings_create",
    url_name="care_bookings",
    summary="Book a slot (409 if someone was quicker)",
)
def care_bookings_create(request: HttpRequest, payload: BookingIn) -> Status[Booking]:
    me = viewer(request)
    therapist = access.get_therapist_for(me, payload.therapist_id)
    session_type = next(
        (t for t in therapist.session_types.all() if t.pk == payload.session_type_id), None
    )
    if session_type is None:
        raise ValidationError({"session_type_id": "Choose one of this therapist's sessions."})
    try:
        booking = services.booking_create(
            client=me,
            therapist=therapist,
            session_type=session_type,
            starts_at=payload.start,
            intake_reason=payload.intake_reason,
            intake_contact=payload.intake_contact,
        )
    except services.SlotTaken as error:
        raise SlotTakenError() from error
    return Status(201, access.get_booking_for(me, booking.pk))


@router.get(
    "/care/bookings/{booking_id}",
    response=BookingOut,
    operation_id="care_booking_read",
    url_name="care_booking",
    summary="One of my appointments",
)
def care_booking_read(
    request: HttpRequest, booking_id: int = Path(..., ge=1, le=MAX_ID)
) -> Booking:
    return access.get_booking_for(viewer(request), booking_id)


@router.post(
    "/care/bookings/{booking_id}/reschedule",
    response=BookingOut,
    operation_id="care_booking_reschedule",
    url_name="care_booking_reschedule",
    summary="Move my appointment to another free time (up to the cut-off)",
)
def care_booking_reschedule(
    request: HttpRequest, payload: RescheduleIn, booking_id: int = Path(..., ge=1, le=MAX_ID)
) -> Booking:
    me = viewer(request)
    booking = access.get_booking_for(me, booking_id)
    try:
        services.booking_reschedule(booking=booking, starts_at=payload.start)
    except services.SlotTaken as error:
        raise SlotTakenError() from error
    return access.get_booking_for(me, booking_id)


@router.post(
    "/care/bookings/{booking_id}/cancel",
    response=BookingOut,
    operation_id="care_booking_cancel",
    url_name="care_booking_cancel",
    summary="Cancel my appointment (up to the cut-off)",
)
def care_booking_cancel(
    request: HttpRequest, booking_id: int = Path(..., ge=1, le=MAX_ID)
) -> Booking:
    me = viewer(request)
    services.booking_cancel(booking=access.get_booking_for(me, booking_id))
    return access.get_booking_for(me, booking_id)


@router.get(
    "/care/bookings/{booking_id}/invite.ics",
    response={200: None},
    operation_id="care_booking_invite",
    url_name="care_booking_invite",
    summary="The appointment as a calendar file (text/calendar)",
)
def care_booking_invite(
    request: HttpRequest, booking_id: int = Path(..., ge=1, le=MAX_ID)
) -> HttpResponse:
    me = viewer(request)
    booking = access.get_booking_for(me, booking_id)
    ics = booking_calendar(booking, recipient=me.email, link=client_link(booking))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@router.get(
    "/care/export",
    response=dict[str, Any],
    operation_id="care_export",
    url_name="care_export",
    summary="Everything Care holds about me",
)
def care_export_read(request: HttpRequest) -> dict[str, Any]:
    return care_export(viewer(request))


@router.delete(
    "/care/history",
    response={204: None},
    operation_id="care_history_erase",
    url_name="care_history",
    summary="Delete my care history (cancel upcoming appointments first)",
)
def care_history_erase(request: HttpRequest) -> Status[None]:
    services.care_history_erase(person=viewer(request))
    return Status(204, None)


@router.get(
    "/care/usage",
    response=list[UsageMonthOut],
    operation_id="care_usage_read",
    url_name="care_usage",
    summary="Sessions per month, privacy-gated (org admins; never who)",
)
def care_usage_read(request: HttpRequest) -> list[dict[str, Any]]:
    me = viewer(request)
    if not me.is_org_admin:
        raise ApiError("Only org admins see usage figures.", code="forbidden", status=403)
    return [
        {
            "month": m.month.strftime("%Y-%m"),
            "released": m.result.released,
            "sessions": getattr(m.result, "value", None),
            "people": getattr(m.result, "people", None),
        }
        for m in selectors.usage_by_month(viewer=me)
    ]


# --- the therapist's operations ------------------------------------------------------------


@router.get(
    "/care/practice/sessions",
    response=list[SessionOut],
    operation_id="care_sessions_list",
    url_name="care_sessions",
    summary="My upcoming sessions (therapists)",
    auth=STAFF_AUTH,
)
@paginate(PageNumber)
def care_sessions_list(request: HttpRequest, past: bool = False) -> QuerySet[Booking]:
    return selectors.sessions_for(therapist=_therapist(request), upcoming=not past)


def _session_detail(therapist: Therapist, booking: Booking) -> dict[str, Any]:
    note = services.note_for(therapist=therapist, booking=booking)
    return {
        "id": booking.pk,
        "client_name": booking.client.display_name,
        "session_type": booking.session_type,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "status": booking.status,
        "intake_reason": booking.intake_reason,
        "intake_contact": booking.intake_contact,
        "note": note.text if note else "",
    }


@router.get(
    "/care/practice/sessions/{session_id}",
    response=SessionDetailOut,
    operation_id="care_session_read",
    url_name="care_session",
    summary="One of my sessions, with the intake and my notes",
    auth=STAFF_AUTH,
)
def care_session_read(
    request: HttpRequest, session_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    therapist = _therapist(request)
    return _session_detail(therapist, access.get_session_for(therapist, session_id))


@router.put(
    "/care/practice/sessions/{session_id}/note",
    response=SessionDetailOut,
    operation_id="care_session_note_update",
    url_name="care_session_note",
    summary="Replace my private notes on a session",
    auth=STAFF_AUTH,
)
def care_session_note_update(
    request: HttpRequest, payload: NoteIn, session_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    therapist = _therapist(request)
    booking = access.get_session_for(therapist, session_id)
    services.session_note_save(therapist=therapist, booking=booking, text=payload.text)
    return _session_detail(therapist, booking)


@router.post(
    "/care/practice/sessions/{session_id}/outcome",
    response=SessionDetailOut,
    operation_id="care_session_outcome",
    url_name="care_session_outcome",
    summary="Record attended or missed",
    auth=STAFF_AUTH,
)
def care_session_outcome(
    request: HttpRequest, payload: OutcomeIn, session_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    therapist = _therapist(request)
    booking = access.get_session_for(therapist, session_id)
    booking = services.session_outcome_set(
        therapist=therapist, booking=booking, outcome=payload.outcome
    )
    return _session_detail(therapist, access.get_session_for(therapist, session_id))


@router.post(
    "/care/practice/sessions/{session_id}/cancel",
    response=SessionDetailOut,
    operation_id="care_session_cancel",
    url_name="care_session_cancel",
    summary="Cancel an upcoming session; the client is told",
    auth=STAFF_AUTH,
)
def care_session_cancel(
    request: HttpRequest, session_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    therapist = _therapist(request)
    booking = access.get_session_for(therapist, session_id)
    services.session_cancel(therapist=therapist, booking=booking)
    return _session_detail(therapist, access.get_session_for(therapist, session_id))


def _availability(therapist: Therapist) -> dict[str, Any]:
    return {
        "therapist_id": therapist.pk,
        "time_zone": therapist.time_zone,
        "buffer_before_minutes": therapist.buffer_before_minutes,
        "buffer_after_minutes": therapist.buffer_after_minutes,
        "min_notice_hours": therapist.min_notice_hours,
        "horizon_days": therapist.horizon_days,
        "max_sessions_per_day": therapist.max_sessions_per_day,
        "slot_step_minutes": therapist.slot_step_minutes,
        "weekly_hours": list(therapist.weekly_hours.all()),
        "exceptions": list(
            therapist.exceptions.filter(day__gte=timezone.now().date() - timedelta(days=1))
        ),
    }


@router.get(
    "/care/practice/therapists/{therapist_id}/availability",
    response=AvailabilityOut,
    operation_id="care_availability_read",
    url_name="care_availability",
    summary="Weekly hours, exceptions and booking rules (the therapist or a practice admin)",
    auth=STAFF_AUTH,
)
def care_availability_read(
    request: HttpRequest, therapist_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    return _availability(access.get_managed_therapist(_caller(request), therapist_id))


@router.put(
    "/care/practice/therapists/{therapist_id}/availability",
    response=AvailabilityOut,
    operation_id="care_availability_update",
    url_name="care_availability",
    summary="Replace weekly hours and booking rules",
    auth=STAFF_AUTH,
)
def care_availability_update(
    request: HttpRequest, payload: AvailabilityIn, therapist_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    from django.db import transaction

    therapist = access.get_managed_therapist(_caller(request), therapist_id)
    data = payload.dict()
    hours = data.pop("weekly_hours")
    with transaction.atomic():
        services.therapist_settings_update(
            therapist=therapist, values=services.TherapistSettings(**data)
        )
        services.weekly_hours_replace(
            therapist=therapist, hours=[(h["weekday"], h["start"], h["end"]) for h in hours]
        )
    return _availability(therapist)


@router.get(
    "/care/practice/therapists/{therapist_id}/profile",
    response=ProfileOut,
    operation_id="care_therapist_profile_read",
    url_name="care_therapist_profile",
    summary="A therapist's profile as members see it (the therapist or a practice admin)",
    auth=STAFF_AUTH,
)
def care_therapist_profile_read(
    request: HttpRequest, therapist_id: int = Path(..., ge=1, le=MAX_ID)
) -> Therapist:
    return access.get_managed_therapist(_caller(request), therapist_id)


@router.put(
    "/care/practice/therapists/{therapist_id}/profile",
    response=ProfileOut,
    operation_id="care_therapist_profile_update",
    url_name="care_therapist_profile",
    summary="Replace a therapist's profile; is_active false pauses new bookings",
    auth=STAFF_AUTH,
)
def care_therapist_profile_update(
    request: HttpRequest, payload: ProfileIn, therapist_id: int = Path(..., ge=1, le=MAX_ID)
) -> Therapist:
    therapist = access.get_managed_therapist(_caller(request), therapist_id)
    data = payload.dict()
    data["specialties"] = [str(code) for code in data["specialties"]]
    data["languages"] = [str(code) for code in data["languages"]]
    return services.therapist_profile_update(
        therapist=therapist, profile=services.TherapistProfile(**data)
    )


@router.post(
    "/care/practice/therapists/{therapist_id}/exceptions",
    response={201: ExceptionOut},
    operation_id="care_exception_create",
    url_name="care_exceptions",
    summary="Add time off or extra hours on a date",
    auth=STAFF_AUTH,
)
def care_exception_create(
    request: HttpRequest, payload: ExceptionIn, therapist_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[DateException]:
    therapist = access.get_managed_therapist(_caller(request), therapist_id)
    exception = services.exception_add(
        therapist=therapist,
        day=payload.day,
        kind=payload.kind,
        start=payload.start,
        end=payload.end,
    )
    return Status(201, exception)


@router.delete(
    "/care/practice/therapists/{therapist_id}/exceptions/{exception_id}",
    response={204: None},
    operation_id="care_exception_delete",
    url_name="care_exception",
    summary="Remove an exception",
    auth=STAFF_AUTH,
)
def care_exception_delete(
    request: HttpRequest,
    therapist_id: int = Path(..., ge=1, le=MAX_ID),
    exception_id: int = Path(..., ge=1, le=MAX_ID),
) -> Status[None]:
    therapist = access.get_managed_therapist(_caller(request), therapist_id)
    services.exception_delete(exception=access.get_exception_for(therapist, exception_id))
    return Status(204, None)


# --- the practice admin's operations -------------------------------------------------------


def _admin_practices(request: HttpRequest) -> Any:
    practices = access.administered_practices(_caller(request))
    if not practices.exists():
        raise Http404("No practice here")
    return practices


@router.get(
    "/care/practice/therapists",
    response=list[PracticeTherapistOut],
    operation_id="care_practice_therapists_list",
    url_name="care_practice_therapists",
    summary="The therapists of my practice (practice admins)",
    auth=STAFF_AUTH,
)
@paginate(PageNumber)
def care_practice_therapists_list(request: HttpRequest) -> QuerySet[Therapist]:
    return selectors.practice_therapists(practices=_admin_practices(request))


@router.get(
    "/care/practice/therapists/{therapist_id}/schedule",
    response=list[ScheduleItemOut],
    operation_id="care_practice_schedule_list",
    url_name="care_practice_schedule",
    summary="A therapist's upcoming sessions: when and what, never who (practice admins)",
    auth=STAFF_AUTH,
)
@paginate(PageNumber)
def care_practice_schedule_list(
    request: HttpRequest, therapist_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[Booking]:
    therapist = access.get_admin_therapist(_caller(request), therapist_id)
    return selectors.sessions_for(therapist=therapist, upcoming=True)


@router.get(
    "/care/practice/requests",
    response=list[IntroRequestOut],
    operation_id="care_intro_requests_list",
    url_name="care_intro_requests",
    summary="Confirmed intro requests from the public page (practice admins)",
    auth=STAFF_AUTH,
)
@paginate(PageNumber)
def care_intro_requests_list(request: HttpRequest) -> Any:
    return selectors.intro_requests_for(practices=_admin_practices(request))
