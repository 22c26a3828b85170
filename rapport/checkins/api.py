"""The check-ins API: today's check-in, my history, what my teammates share, gated team
figures, reaching-out suggestions, and check-on messages with their private threads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from rapport.api.auth import viewer
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text
from rapport.people.access import get_person_for

from . import selectors, services
from .forms import MESSAGE_TEMPLATES
from .models import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH, CheckIn, CheckOn, Mood, Visibility

router = Router(tags=["checkins"])


# --- schemas -------------------------------------------------------------------------------


class CheckInIn(Schema):
    model_config = {"extra": "forbid"}

    mood: int = Field(..., ge=1, le=5, description="1 Rough, 2 Low, 3 Okay, 4 Good, 5 Great")
    note: Text = Field("", max_length=NOTE_MAX_LENGTH, description="What's really going on")
    visibility: Visibility = Field(Visibility.PRIVATE, description="Who may see it")


class CheckInOut(Schema):
    id: int
    day: date = Field(description="Your own calendar date when you checked in")
    mood: int
    mood_label: str
    note: str
    visibility: Visibility
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_mood_label(obj: CheckIn) -> str:
        return Mood(obj.mood).label


class SupportPersonOut(Schema):
    id: int
    display_name: str


class SupportOut(Schema):
    low_checkins: int = Field(description="How many of your last few check-ins were low")
    people: list[SupportPersonOut] = Field(description="People you've been close to lately")
    guides_url: str
    care_url: str


class TodayOut(Schema):
    day: date = Field(description="Your own date today, in your time zone")
    checkin: CheckInOut | None
    support: SupportOut | None = Field(
        description="Shown only to you when your recent moods stay low"
    )


class HistoryDayOut(Schema):
    day: date
    mood: int | None = Field(description="null on a day without a check-in")
    mood_label: str | None


class HistoryOut(Schema):
    start: date = Field(description="The first day of the window, in your time zone")
    end: date = Field(description="Today, in your time zone")
    checked_in: int = Field(description="Days with a check-in in the window")
    days: list[HistoryDayOut] = Field(description="Every day of the window, oldest first")


class VisibilityIn(Schema):
    model_config = {"extra": "forbid"}

    visibility: Visibility


class SharedCheckInOut(Schema):
    id: int
    day: date
    person_id: int
    person_name: str
    mood: int
    mood_label: str
    note: str | None = Field(description="Only when they shared their note with the team")

    @staticmethod
    def resolve_person_name(obj: CheckIn) -> str:
        return obj.person.display_name

    @staticmethod
    def resolve_mood_label(obj: CheckIn) -> str:
        return Mood(obj.mood).label

    @staticmethod
    def resolve_note(obj: CheckIn) -> str | None:
        return obj.team_note


class WeekFigureOut(Schema):
    week: str = Field(description="ISO week, e.g. 2026-W13")
    week_start: date
    released: bool
    message: str | None = Field(description="Why there is no figure, when there is none")
    people: int | None
    average_mood: float | None
    distribution: dict[str, int] | None = Field(description="Check-ins per mood level 1-5")


class TeamFiguresOut(Schema):
    team_id: int
    weeks: list[WeekFigureOut]


class ReachOutOut(Schema):
    person_id: int
    display_name: str
    interactions_then: int = Field(description="How often you interacted 60-120 days ago")
    last_interaction_at: datetime
    explanation: str


class CheckOnIn(Schema):
    model_config = {"extra": "forbid"}

    recipient_id: int = Field(..., ge=1, le=MAX_ID)
    message: Text = Field(..., max_length=MESSAGE_MAX_LENGTH)


class ReplyIn(Schema):
    model_config = {"extra": "forbid"}

    message: Text = Field(..., max_length=MESSAGE_MAX_LENGTH)


class PersonRefOut(Schema):
    id: int
    display_name: str


class ReplyOut(Schema):
    id: int
    author_id: int
    message: str
    created_at: datetime


class CheckOnOut(Schema):
    id: int
    sender: PersonRefOut
    recipient: PersonRefOut
    message: str
    created_at: datetime
    last_activity_at: datetime


class CheckOnListOut(CheckOnOut):
    replies: int = Field(description="How many replies the thread has")

    @staticmethod
    def resolve_replies(obj: CheckOn) -> int:
        return obj.reply_count  # type: ignore[attr-defined]


class ThreadOut(CheckOnOut):
    replies: list[ReplyOut]

    @staticmethod
    def resolve_replies(obj: CheckOn) -> list[Any]:
        return list(obj.replies.all())


class TemplateOut(Schema):
    key: str
    title: str
    text: str = Field(description="An opener to edit; {name} is the recipient's first name")


# --- check-ins -----------------------------------------------------------------------------


def _support_out(support: selectors.Support | None) -> dict[str, Any] | None:
    if support is None:
        return None
    from rapport.web.capabilities import capability_url

    return {
        "low_checkins": support.low_checkins,
        "people": [
            {"id": t.person.pk, "display_name": t.person.display_name} for t in support.people
        ],
        "guides_url": capability_url("guides"),
        "care_url": capability_url("care"),
    }


@router.get(
    "/checkins/today",
    response=TodayOut,
    operation_id="checkins_today_read",
    url_name="checkins_today",
    summary="My check-in for today (null if none yet)",
)
def checkins_today_read(request: HttpRequest) -> dict[str, Any]:
    me = viewer(request)
    return {
        "day": services.local_day(person=me),
        "checkin": selectors.checkin_today(person=me),
        "support": _support_out(selectors.support_for(person=me)),
    }


@router.put(
    "/checkins/today",
    response={200: CheckInOut, 201: CheckInOut},
    operation_id="checkins_today_save",
    url_name="checkins_today",
    summary="Check in for today, or change today's check-in",
)
def checkins_today_save(request: HttpRequest, payload: CheckInIn) -> Status[CheckIn]:
    checkin, created = services.checkin_save(
        person=viewer(request),
        mood=payload.mood,
        note=payload.note,
        visibility=payload.visibility,
    )
    return Status(201 if created else 200, checkin)


@router.get(
    "/checkins",
    response=list[CheckInOut],
    operation_id="checkins_list",
    url_name="checkins",
    summary="My check-ins, newest first",
)
@paginate(PageNumber)
def checkins_list(request: HttpRequest) -> QuerySet[CheckIn]:
    return selectors.my_checkins(person=viewer(request))


@router.get(
    "/checkins/history",
    response=HistoryOut,
    operation_id="checkins_history_read",
    url_name="checkins_history",
    summary="My mood over the last 90 days, one entry per day (for a chart)",
)
def checkins_history_read(request: HttpRequest) -> dict[str, Any]:
    days = selectors.mood_history(person=viewer(request))
    return {
        "start": days[0].day,
        "end": days[-1].day,
        "checked_in": sum(1 for d in days if d.checkin),
        "days": [{"day": d.day, "mood": d.mood, "mood_label": d.label or None} for d in days],
    }


@router.put(
    "/checkins/{checkin_id}/visibility",
    response=CheckInOut,
    operation_id="checkins_visibility_update",
    url_name="checkin_visibility",
    summary="Change who may see one of my check-ins (any day)",
)
def checkins_visibility_update(
    request: HttpRequest, payload: VisibilityIn, checkin_id: int = Path(..., ge=1, le=MAX_ID)
) -> CheckIn:
    checkin = selectors.get_my_checkin_for(viewer(request), checkin_id)
    return services.checkin_set_visibility(checkin=checkin, visibility=payload.visibility)


def _team_access(request: HttpRequest, team_id: int) -> selectors.TeamAccess:
    return selectors.team_access_for(viewer(request), team_id)


@router.get(
    "/checkins/teams/{team_id}/shared",
    response=list[SharedCheckInOut],
    operation_id="checkins_team_shared_list",
    url_name="checkins_team_shared",
    summary="What members of my team shared with it in the last 7 days",
)
@paginate(PageNumber)
def checkins_team_shared_list(
    request: HttpRequest, team_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[CheckIn]:
    access = _team_access(request, team_id)
    if not access.is_member:
        raise PermissionDenied("Only the people in this team see what its members share.")
    return selectors.team_shared_checkins(viewer=viewer(request), team=access.team)


@router.get(
    "/checkins/teams/{team_id}/figures",
    response=TeamFiguresOut,
    operation_id="checkins_team_figures_read",
    url_name="checkins_team_figures",
    summary="The team's mood per closed week, through the privacy gate (leads, org admins)",
)
def checkins_team_figures_read(
    request: HttpRequest, team_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    access = _team_access(request, team_id)
    if not access.sees_figures:
        raise PermissionDenied("Team figures are for the team's leads and org admins.")
    figures = selectors.team_mood_figures(viewer=viewer(request), team=access.team)
    weeks = []
    for figure in figures:
        result = figure.result
        released = result.released
        value = result.value if released else None  # type: ignore[union-attr]
        weeks.append(
            {
                "week": figure.week,
                "week_start": figure.monday,
                "released": released,
                "message": None if released else result.message,  # type: ignore[union-attr]
                "people": result.people if released else None,  # type: ignore[union-attr]
                "average_mood": value.average if value else None,
                "distribution": (
                    {str(k): v for k, v in value.distribution.items()} if value else None
                ),
            }
        )
    return {"team_id": access.team.pk, "weeks": weeks}


@router.get(
    "/checkins/reach-out",
    response=list[ReachOutOut],
    operation_id="checkins_reach_out_list",
    url_name="checkins_reach_out",
    summary="People I used to be in touch with often and not lately (from my own ties)",
)
def checkins_reach_out_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "person_id": s.person.pk,
            "display_name": s.person.display_name,
            "interactions_then": s.then_interactions,
            "last_interaction_at": s.last_at,
            "explanation": (f"You used to talk often; nothing in the last {s.quiet_weeks} weeks."),
        }
        for s in selectors.reach_out_suggestions(person=viewer(request), limit=10)
    ]


# --- check-on messages ---------------------------------------------------------------------


@router.get(
    "/check-ons/templates",
    response=list[TemplateOut],
    operation_id="check_ons_templates_list",
    url_name="check_on_templates",
    summary="Openers for a check-on message, to edit before sending",
)
def check_ons_templates_list(request: HttpRequest) -> list[dict[str, str]]:
    viewer(request)
    return [
        {"key": key, "title": title, "text": text}
        for key, (title, text) in MESSAGE_TEMPLATES.items()
    ]


@router.post(
    "/check-ons",
    response={201: ThreadOut},
    operation_id="check_ons_create",
    url_name="check_ons",
    summary="Check in on a colleague with a short, caring message",
)
def check_ons_create(request: HttpRequest, payload: CheckOnIn) -> Status[CheckOn]:
    me = viewer(request)
    recipient = get_person_for(me, payload.recipient_id)
    check_on = services.check_on_send(sender=me, recipient=recipient, message=payload.message)
    return Status(201, selectors.check_on_with_replies(me, check_on.pk))


@router.get(
    "/check-ons",
    response=list[CheckOnListOut],
    operation_id="check_ons_list",
    url_name="check_ons",
    summary="My check-on conversations, sent and received, latest activity first",
)
@paginate(PageNumber)
def check_ons_list(request: HttpRequest) -> QuerySet[CheckOn]:
    return selectors.check_ons_for(person=viewer(request))


@router.get(
    "/check-ons/{check_on_id}",
    response=ThreadOut,
    operation_id="check_ons_read",
    url_name="check_on",
    summary="One conversation with its replies (only its two people)",
)
def check_ons_read(request: HttpRequest, check_on_id: int = Path(..., ge=1, le=MAX_ID)) -> CheckOn:
    return selectors.check_on_with_replies(viewer(request), check_on_id)


@router.post(
    "/check-ons/{check_on_id}/replies",
    response={201: ReplyOut},
    operation_id="check_ons_reply",
    url_name="check_on_replies",
    summary="Reply in a conversation, privately",
)
def check_ons_reply(
    request: HttpRequest, payload: ReplyIn, check_on_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[Any]:
    me = viewer(request)
    check_on = selectors.get_check_on_for(me, check_on_id)
    reply = services.check_on_reply(check_on=check_on, author=me, message=payload.message)
    return Status(201, reply)
