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
    CHECKED_ON = "checked_on", "Someone checked in on you"
    CHECK_ON_REPLY = "check_on_reply", "A reply to your message"
    KUDOS_RECEIVED = "kudos_received", "Someone thanked you"
    KUDOS_ACTIVITY = "kudos_activity", "Reactions and replies to thanks"
    KUDOS_REVIEW = "kudos_review", "Thanks that may be traded (org admins)"
    MENTIONED = "mentioned", "You were mentioned"
    POST_ACTIVITY = "post_activity", "Replies to your posts"
    HELP_OFFER = "help_offer", "Offers of help on your requests"
    HELP_UPDATE = "help_update", "Updates on help you offered or asked for"
    HELP_SUGGESTION = "help_suggestion", "A teammate could use a hand"
    COMMITMENT_UPDATE = "commitment_update", "Promises made to you or asked of you"
    COMMITMENT_REMINDER = "commitment_reminder", "Reminders of your promises"
    ROADBLOCK_REMINDER = "roadblock_reminder", "Reminders about a conversation to have"
    TALK_INVITATION = "talk_invitation", "Invitations to talk"
    PAIRING_MATCH = "pairing_match", "Your pairing group"
    PAIRING_FOLLOW_UP = "pairing_follow_up", "Did you meet?"
    BUDDY = "buddy", "Buddies"
    CARE = "care", "Care appointments"


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
    NotificationType.CHECKED_ON: TypeInfo(
        description="When a colleague asks how you are doing.",
        default_channel=Channel.BOTH,
        subject="A colleague is thinking of you",
        private=True,
    ),
    NotificationType.CHECK_ON_REPLY: TypeInfo(
        description="When someone answers the message you sent them.",
        default_channel=Channel.BOTH,
        subject="You have a reply",
        private=True,
    ),
    NotificationType.KUDOS_RECEIVED: TypeInfo(
        description="When someone thanks you.",
        default_channel=Channel.BOTH,
        subject="Someone thanked you",
    ),
    NotificationType.KUDOS_ACTIVITY: TypeInfo(
        description="Reactions and replies to thanks you gave or received.",
        default_channel=Channel.IN_APP,
        subject="New activity on a thank-you",
    ),
    NotificationType.KUDOS_REVIEW: TypeInfo(
        description="For org admins: thanks that look traded back and forth.",
        default_channel=Channel.IN_APP,
        subject="Thanks to review",
    ),
    NotificationType.MENTIONED: TypeInfo(
        description="When someone mentions you in a post or reply.",
        default_channel=Channel.BOTH,
        subject="You were mentioned",
    ),
    NotificationType.POST_ACTIVITY: TypeInfo(
        description="Replies to your wins and challenges.",
        default_channel=Channel.IN_APP,
        subject="New replies to your post",
    ),
    NotificationType.HELP_OFFER: TypeInfo(
        description="When someone offers to help with your request.",
        default_channel=Channel.BOTH,
        subject="Someone offered to help",
    ),
    NotificationType.HELP_UPDATE: TypeInfo(
        description="Accepted offers, finished and closed requests.",
        default_channel=Channel.BOTH,
        subject="An update on a help request",
    ),
    NotificationType.HELP_SUGGESTION: TypeInfo(
        description="When a teammate is swamped or shares a challenge and you have room.",
        default_channel=Channel.IN_APP,
        subject="A teammate could use a hand",
    ),
    NotificationType.COMMITMENT_UPDATE: TypeInfo(
        description="Promises made to you, asked of you, and changes to them.",
        default_channel=Channel.BOTH,
        subject="An update on a promise",
    ),
    NotificationType.COMMITMENT_REMINDER: TypeInfo(
        description="Before and when a promise you made is due.",
        default_channel=Channel.BOTH,
        subject="A promise is coming due",
    ),
    NotificationType.ROADBLOCK_REMINDER: TypeInfo(
        description="A reminder to have the conversation you prepared.",
        default_channel=Channel.IN_APP,
        subject="A reminder from Rapport",
        private=True,
    ),
    NotificationType.TALK_INVITATION: TypeInfo(
        description="When a colleague would like to talk with you.",
        default_channel=Channel.BOTH,
        subject="A colleague would like to talk",
        private=True,
    ),
    NotificationType.PAIRING_MATCH: TypeInfo(
        description="Who you are meeting this round, and when you are all free.",
        default_channel=Channel.BOTH,
        subject="Your new pairing group",
    ),
    NotificationType.PAIRING_FOLLOW_UP: TypeInfo(
        description="After a round: did you meet?",
        default_channel=Channel.IN_APP,
        subject="Did you meet?",
    ),
    NotificationType.BUDDY: TypeInfo(
        description="Your buddy, and check-ins with them.",
        default_channel=Channel.BOTH,
        subject="About your buddy",
    ),
    NotificationType.CARE: TypeInfo(
        description="Your appointments: confirmations, changes and reminders.",
        default_channel=Channel.BOTH,
        subject="An update from Rapport",
        private=True,
    ),
}

missing = set(NotificationType.values) - set(TYPES)
if missing:  # pragma: no cover - a programming error, caught at import time
    raise RuntimeError(f"Notification types without defaults: {sorted(missing)}")


def type_info(type_: str) -> TypeInfo:
    return TYPES[NotificationType(type_)]


def default_channel(type_: str) -> Channel:
    return type_info(type_).default_channel
