"""Reads for notifications: the inbox, the unread count, what a person wants to receive."""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.lib.tenancy import get_for
from rapport.people.models import Person

from .models import Notification, NotificationPreference, NotificationSettings
from .types import TYPES, Channel, NotificationType, default_channel

#: The badge says "99+" beyond this; counting further would only cost time.
UNREAD_CAP = 99


def inbox_for(*, person: Person, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.visible_to(person).inbox()
    if unread_only:
        notifications = notifications.unread()
    return notifications.order_by("-created_at", "-id")


def unread_count(*, person: Person) -> int:
    """Unread inbox entries, counted up to UNREAD_CAP + 1 (one indexed query)."""
    unread = Notification.objects.visible_to(person).inbox().unread()
    return unread.values("pk")[: UNREAD_CAP + 1].count()


def get_notification_for(person: Person, pk: int) -> Notification:
    """The person's own notification, or 404 (also for anyone else's). Email-only ones
    count: their emails link here too."""
    return get_for(person, Notification, pk=pk)


def channels_for(*, person: Person) -> dict[str, Channel]:
    """Every type's channel for this person: their choice, or the type's default."""
    channels = {value: default_channel(value) for value in TYPES}
    for type_, channel in NotificationPreference.objects.filter(person=person).values_list(
        "type", "channel"
    ):
        if type_ in channels:
            channels[type_] = Channel(channel)
    return channels


def channel_for(*, person: Person, type_: str) -> Channel:
    chosen = (
        NotificationPreference.objects.filter(person=person, type=type_)
        .values_list("channel", flat=True)
        .first()
    )
    return Channel(chosen) if chosen else default_channel(type_)


def settings_for(*, person: Person) -> NotificationSettings:
    """The person's settings row, or an unsaved one holding the defaults."""
    found = NotificationSettings.objects.filter(person=person).first()
    return found if found is not None else NotificationSettings(person=person)


def type_choices() -> list[tuple[str, str]]:
    return [(value, label) for value, label in NotificationType.choices]
