"""The kinds of notification Rapport sends, and how each is delivered unless a person
chooses otherwise.

A capability that notifies people adds a member to `NotificationType` and an entry to
`TYPES`. The database stores the value as plain text (no `choices` on the column), so a new
type needs no migration; services refuse values that are not listed here.

`subject` is the email subject. It is deliberately neutral: inboxes are often seen by
others (a shared screen, a phone on the table), so it names the kind of news, never its
content. A `private` type's email does not even carry the title or body, only a link.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class NotificationType(models.TextChoices):
    SYSTEM = "system", "News about Rapport"
    WELCOME = "welcome", "Welcome"
    INVITATION_ACCEPTED = "invitation_accepted", "Someone accepted your invitation"
    CHECKIN_PROMPT = "checkin_prompt", "Daily check-in reminder"


class Channel(models.TextChoices):
    BOTH = "both", "In Rapport and by email"
    IN_APP = "in_app", "In Rapport only"
    EMAIL = "email", "By email only"
    OFF = "off", "Off"

    @property
    def in_app(self) -> bool:
        return self in (Channel.BOTH, Channel.IN_APP)

    @property
    def email(self) -> bool:
        return self in (Channel.BOTH, Channel.EMAIL)


@dataclass(frozen=True)
class TypeInfo:
    description: str
    default_channel: Channel
    subject: str
    #: the email says only that there is something new, with a link
    private: bool = False


TYPES: dict[str, TypeInfo] = {
    NotificationType.SYSTEM: TypeInfo(
        description="Changes to Rapport that affect you, and test messages.",
        default_channel=Channel.BOTH,
        subject="News from Rapport",
    ),
    NotificationType.WELCOME: TypeInfo(
        description="A hello when you join, with where to start.",
        default_channel=Channel.BOTH,
        subject="Welcome to Rapport",
    ),
    NotificationType.INVITATION_ACCEPTED: TypeInfo(
        description="When someone you invited joins.",
        default_channel=Channel.BOTH,
        subject="Someone you invited has joined",
    ),
    NotificationType.CHECKIN_PROMPT: TypeInfo(
        description="A nudge at the start of your working day to check in.",
        default_channel=Channel.IN_APP,
        subject="Time for your check-in",
    ),
}

missing = set(NotificationType.values) - set(TYPES)
if missing:  # pragma: no cover - a programming error, caught at import time
    raise RuntimeError(f"Notification types without defaults: {sorted(missing)}")


def type_info(type_: str) -> TypeInfo:
    return TYPES[NotificationType(type_)]


def default_channel(type_: str) -> Channel:
    return type_info(type_).default_channel
