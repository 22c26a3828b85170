"""The notifications API: my inbox, marking read, and my notification preferences."""

from datetime import datetime, time
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from rapport.api.auth import viewer
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID

from . import selectors, services
from .models import DigestFrequency, Notification
from .types import TYPES, Channel, NotificationType

router = Router(tags=["notifications"])


# --- schemas -------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    type: str = Field(description="What kind of notification (see the preferences)")
    title: str
    body: str
    url: str = Field(description="Path of the page it is about, inside Rapport ('' if none)")
    created_at: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_unread(obj: Notification) -> bool:
        return obj.read_at is None


class NotificationListQuery(Schema):
    unread: bool = Field(False, description="Only unread notifications")


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications were unread and now are read")


class TypeChannelOut(Schema):
    type: str
    label: str
    description: str
    channel: Channel
    default_channel: Channel


class PreferencesOut(Schema):
    channels: list[TypeChannelOut]
    quiet_hours_start: time | None = Field(description="Local time; null for no quiet hours")
    quiet_hours_end: time | None
    respect_working_days: bool = Field(description="Hold email on days you don't work")
    digest: DigestFrequency
    digest_hour: int = Field(description="Local hour the digest goes out")


class PreferencesIn(Schema):
    """All of the settings; in `channels`, types left out keep their current channel."""

    model_config = {"extra": "forbid"}

    channels: dict[NotificationType, Channel] = Field(
        default_factory=dict, examples=[{"checkin_prompt": "both", "welcome": "in_app"}]
    )
    quiet_hours_start: time | None = Field(examples=["20:00"])
    quiet_hours_end: time | None = Field(examples=["08:00"])
    respect_working_days: bool = True
    digest: DigestFrequency = DigestFrequency.OFF
    digest_hour: int = Field(9, ge=0, le=23)

    @field_validator("quiet_hours_start", "quiet_hours_end")
    @classmethod
    def local_time(cls, value: time | None) -> time | None:
        if value is not None and value.tzinfo is not None:
            raise PydanticCustomError(
                "aware_time", "Give a time of day without a UTC offset, e.g. 20:00."
            )
        return value


def _preferences_out(preferences: services.Preferences) -> dict[str, Any]:
    settings = preferences.settings
    return {
        "channels": [
            {
                "type": type_,
                "label": NotificationType(type_).label,
                "description": info.description,
                "channel": preferences.channels[type_],
                "default_channel": info.default_channel,
            }
            for type_, info in TYPES.items()
        ],
        "quiet_hours_start": settings.quiet_hours_start,
        "quiet_hours_end": settings.quiet_hours_end,
        "respect_working_days": settings.respect_working_days,
        "digest": settings.digest,
        "digest_hour": settings.digest_hour,
    }


# --- endpoints -----------------------------------------------------------------------------


@router.get(
    "/notifications",
    response=list[NotificationOut],
    operation_id="notifications_list",
    url_name="notifications",
    summary="My inbox, newest first",
)
@paginate(PageNumber)
def notifications_list(request: HttpRequest, filters: Query[NotificationListQuery]) -> Any:
    return selectors.inbox_for(person=viewer(request), unread_only=filters.unread)


@router.get(
    "/notifications/unread-count",
    response=UnreadCountOut,
    operation_id="notifications_unread_count",
    url_name="notifications_unread_count",
    summary="How many notifications in my inbox are unread",
)
def notifications_unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.inbox_for(person=viewer(request), unread_only=True).count()}


@router.post(
    "/notifications/read-all",
    response=MarkedOut,
    operation_id="notifications_mark_all_read",
    url_name="notifications_read_all",
    summary="Mark everything in my inbox as read",
)
def notifications_mark_all_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notifications_mark_all_read(person=viewer(request))}


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    operation_id="notification_mark_read",
    url_name="notification_read",
    summary="Mark one notification as read",
)
def notification_mark_read(
    request: HttpRequest, notification_id: int = Path(..., ge=1, le=MAX_ID)
) -> Notification:
    notification = selectors.get_notification_for(viewer(request), notification_id)
    return services.notification_mark_read(notification=notification)


@router.get(
    "/notifications/preferences",
    response=PreferencesOut,
    operation_id="notification_preferences_read",
    url_name="notification_preferences",
    summary="How I hear about each kind of notification, and when email may reach me",
)
def notification_preferences_read(request: HttpRequest) -> dict[str, Any]:
    return _preferences_out(services.preferences_for(person=viewer(request)))


@router.put(
    "/notifications/preferences",
    response=PreferencesOut,
    operation_id="notification_preferences_update",
    url_name="notification_preferences",
    summary="Change my notification preferences",
)
def notification_preferences_update(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    preferences = services.preferences_update(
        person=viewer(request),
        channels={str(type_): str(channel) for type_, channel in payload.channels.items()},
        quiet_hours_start=payload.quiet_hours_start,
        quiet_hours_end=payload.quiet_hours_end,
        respect_working_days=payload.respect_working_days,
        digest=payload.digest,
        digest_hour=payload.digest_hour,
    )
    return _preferences_out(preferences)
