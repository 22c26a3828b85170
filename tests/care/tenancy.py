"""Care's routes and API operations for the outsider walk (tests/tenancy).

The first organisation gets a practice under contract, a therapist, and a booking by its
person (Zelda) with private intake: the outsider must reach none of it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.care import selectors, services
from rapport.care.models import DateException, IntroRequest

from .factories import (
    PracticeAdminFactory,
    PracticeFactory,
    SessionTypeFactory,
    TherapistFactory,
    contract,
    every_day,
)


def _care(w: Any) -> dict[str, Any]:
    """The first organisation's care objects, made once per walk."""
    cached = getattr(w, "_care", None)
    if cached is not None:
        return cached
    practice = PracticeFactory(name="Walk Practice", slug="walk-practice")
    therapist = TherapistFactory(practice=practice, display_name="Walk Therapist")
    every_day(therapist)
    session = SessionTypeFactory(therapist=therapist)
    PracticeAdminFactory(practice=practice)
    contract(w.person.organization, [practice])
    start = timezone.now() + timedelta(days=3)
    slot = selectors.slots_for(
        therapist=therapist, session_type=session, start=start, until=start + timedelta(days=7)
    )[0]
    booking = services.booking_create(
        client=w.person,
        therapist=therapist,
        session_type=session,
        starts_at=slot.start,
        intake_reason="Zelda Secretname finds work hard",
    )
    exception = DateException.objects.create(
        therapist=therapist, day=timezone.now().date() + timedelta(days=20)
    )
    intro = IntroRequest.objects.create(
        practice=practice, name="Someone", email="someone@example.com", confirmed_at=timezone.now()
    )
    hours = therapist.weekly_hours.first()
    assert hours is not None
    w._care = {
        "practice": practice,
        "therapist": therapist,
        "booking": booking,
        "exception": exception,
        "intro": intro,
        "hours": hours,
    }
    return w._care


def _obj(build: Any) -> tuple[str, Any]:
    return ("object", build)


PAGE = ("page", None)

ROUTES: dict[str, tuple[str, Any]] = {
    "care:home": PAGE,
    "care:therapist": _obj(lambda w: {"pk": _care(w)["therapist"].pk}),
    "care:book": _obj(lambda w: {"pk": _care(w)["therapist"].pk}),
    "care:bookings": PAGE,
    "care:export": PAGE,
    "care:erase": PAGE,
    "care:booking": _obj(lambda w: {"pk": _care(w)["booking"].pk}),
    "care:booking_reschedule": _obj(lambda w: {"pk": _care(w)["booking"].pk}),
    "care:booking_cancel": _obj(lambda w: {"pk": _care(w)["booking"].pk}),
    "care:booking_ics": _obj(lambda w: {"pk": _care(w)["booking"].pk}),
    "care:usage": PAGE,
    "care:schedule": PAGE,
    "care:session": _obj(lambda w: {"pk": _care(w)["booking"].pk}),
    "care:session_note": _obj(lambda w: {"pk": _care(w)["booking"].pk}),
    "care:session_outcome": _obj(lambda w: {"pk": _care(w)["booking"].pk}),
    "care:session_cancel": _obj(lambda w: {"pk": _care(w)["booking"].pk}),
    "care:availability": _obj(lambda w: {"pk": _care(w)["therapist"].pk}),
    "care:therapist_profile": _obj(lambda w: {"pk": _care(w)["therapist"].pk}),
    "care:hours_add": _obj(lambda w: {"pk": _care(w)["therapist"].pk}),
    "care:hours_delete": _obj(
        lambda w: {"pk": _care(w)["therapist"].pk, "hours_pk": _care(w)["hours"].pk}
    ),
    "care:exception_add": _obj(lambda w: {"pk": _care(w)["therapist"].pk}),
    "care:exception_delete": _obj(
        lambda w: {"pk": _care(w)["therapist"].pk, "exception_pk": _care(w)["exception"].pk}
    ),
    "care:practice_admin": PAGE,
    "care:practice_schedule": _obj(lambda w: {"pk": _care(w)["therapist"].pk}),
    "care:intro_requests": PAGE,
    "care:intro_request_handle": _obj(lambda w: {"pk": _care(w)["intro"].pk}),
    # Public pages: anyone may open them; they show the practice, never a client.
    "care:practice_public": ("static", lambda w: {"slug": _care(w)["practice"].slug}),
    "care:intro_confirm": (
        "static",
        lambda w: {"slug": _care(w)["practice"].slug, "token": "not-a-real-token"},
    ),
}

API_PARAMETERS: dict[str, Any] = {
    "therapist_id": lambda w: _care(w)["therapist"].pk,
    "booking_id": lambda w: _care(w)["booking"].pk,
    "session_id": lambda w: _care(w)["booking"].pk,
    "exception_id": lambda w: _care(w)["exception"].pk,
}

_AVAILABILITY = {
    "time_zone": "UTC",
    "buffer_before_minutes": 0,
    "buffer_after_minutes": 0,
    "min_notice_hours": 1,
    "horizon_days": 30,
    "max_sessions_per_day": None,
    "slot_step_minutes": 30,
    "weekly_hours": [{"weekday": 1, "start": "09:00", "end": "10:00"}],
}

API_OPERATIONS: dict[str, Any] = {
    "care_allowance_read": None,
    "care_therapists_list": None,
    "care_therapist_read": None,
    "care_therapist_slots": None,
    "care_bookings_list": None,
    "care_bookings_create": {
        "therapist_id": 1,
        "session_type_id": 1,
        "start": "2030-01-07T10:00:00+00:00",
    },
    "care_booking_read": None,
    "care_booking_reschedule": {"start": "2030-01-07T10:00:00+00:00"},
    "care_booking_cancel": None,
    "care_booking_invite": None,
    "care_export": None,
    "care_history_erase": None,
    "care_usage_read": None,
    "care_sessions_list": None,
    "care_session_read": None,
    "care_session_note_update": {"text": "stolen"},
    "care_session_outcome": {"outcome": "attended"},
    "care_session_cancel": None,
    "care_availability_read": None,
    "care_availability_update": _AVAILABILITY,
    "care_therapist_profile_read": None,
    "care_therapist_profile_update": {"display_name": "Stolen", "languages": ["en"]},
    "care_exception_create": {"day": "2030-01-07", "kind": "off"},
    "care_exception_delete": None,
    "care_practice_therapists_list": None,
    "care_practice_schedule_list": None,
    "care_intro_requests_list": None,
}

# An outsider names a therapist they can't see (404), and isn't a therapist or practice
# admin at all (404 for the staff lists).
API_REFUSED: dict[str, int] = {
    "care_bookings_create": 404,
    "care_sessions_list": 404,
    "care_practice_therapists_list": 404,
    "care_intro_requests_list": 404,
}
