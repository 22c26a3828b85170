"""Writes for check-ins and check-on messages."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record
from rapport.notifications.services import notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Person

from .models import (
    MESSAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    CheckIn,
    CheckOn,
    CheckOnReply,
    Mood,
    Visibility,
)


def local_day(*, person: Person, now: datetime | None = None) -> date:
    """The person's own calendar date at `now`: the day a check-in belongs to."""
    return (now or timezone.now()).astimezone(person.tz).date()


def _clean_text(text: str, *, field: str, max_length: int, required: bool, what: str) -> str:
    text = (text or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationError({field: f"Write a few words for {what}."}, code="required")
    if len(text) > max_length:
        raise ValidationError(
            {field: f"Keep {what} under {max_length} characters (it has {len(text)})."},
            code="max_length",
        )
    return text


# --- check-ins -----------------------------------------------------------------------------


def checkin_save(
    *,
    person: Person,
    mood: int,
    note: str = "",
    visibility: str = Visibility.PRIVATE,
    now: datetime | None = None,
) -> tuple[CheckIn, bool]:
    """Create or change the person's check-in for their own today; (check-in, created).

    Earlier days can't be changed: a check-in is how the day felt on the day.
    """
    now = now or timezone.now()
    if mood not in Mood.values:
        raise ValidationError({"mood": "Choose how you are doing, from 1 to 5."}, code="mood")
    if visibility not in Visibility.values:
        raise ValidationError(
            {"visibility": "Choose who may see this check-in."}, code="visibility"
        )
    note = _clean_text(
        note, field="note", max_length=NOTE_MAX_LENGTH, required=False, what="your note"
    )
    day = local_day(person=person, now=now)
    with transaction.atomic():
        checkin = CheckIn.objects.select_for_update().filter(person=person, day=day).first()
        created = checkin is None
        if checkin is None:
            checkin = CheckIn(
                organization_id=person.organization_id, person=person, day=day, created_at=now
            )
        checkin.mood = mood
        checkin.note = note
        checkin.visibility = visibility
        checkin.updated_at = now
        checkin.full_clean(exclude=["organization", "person"], validate_constraints=False)
        try:
            with transaction.atomic():
                checkin.save()
        except IntegrityError:
            # Two first check-ins of the same day at once (two tabs): the other one won;
            # this one is the later answer, so it replaces it.
            checkin = CheckIn.objects.select_for_update().get(person=person, day=day)
            checkin.mood, checkin.note, checkin.visibility = mood, note, visibility
            checkin.updated_at = now
            checkin.save(update_fields=["mood", "note", "visibility", "updated_at"])
            created = False
    return checkin, created


def checkin_set_visibility(
    *, checkin: CheckIn, visibility: str, now: datetime | None = None
) -> CheckIn:
    """Change who may see a check-in (any day: sharing can always be taken back)."""
    if visibility not in Visibility.values:
        raise ValidationError(
            {"visibility": "Choose who may see this check-in."}, code="visibility"
        )
    checkin.visibility = visibility
    checkin.updated_at = now or timezone.now()
    checkin.save(update_fields=["visibility", "updated_at"])
    return checkin


# --- check-on messages ---------------------------------------------------------------------


def _validate_recipient(sender: Person, recipient: Person) -> None:
    if recipient.pk == sender.pk:
        raise ValidationError(
            {"recipient": "That's you: check in on yourself on the check-in page instead."},
            code="self",
        )
    if recipient.organization_id != sender.organization_id:
        raise ValidationError(
            {"recipient": "You can only write to people in your own organisation."},
            code="tenancy",
        )
    if recipient.status == Person.Status.LEFT or recipient.erased_at is not None:
        raise ValidationError(
            {"recipient": f"{recipient.display_name} has left, so they can't get messages here."},
            code="left",
        )


def check_on_send(
    *, sender: Person, recipient: Person, message: str, now: datetime | None = None
) -> CheckOn:
    """Send a caring message; the recipient is told (privately) and the ledger records it."""
    now = now or timezone.now()
    _validate_recipient(sender, recipient)
    message = _clean_text(
        message, field="message", max_length=MESSAGE_MAX_LENGTH, required=True, what="your message"
    )
    with transaction.atomic():
        check_on = CheckOn(
            organization_id=sender.organization_id,
            sender=sender,
            recipient=recipient,
            message=message,
            created_at=now,
            last_activity_at=now,
        )
        check_on.full_clean(exclude=["organization", "sender", "recipient"])
        check_on.save()
        interaction_record(
            actor=sender, other=recipient, kind=Kind.CHECKED_ON, occurred_at=now, source=check_on
        )
        notify(
            recipient=recipient,
            type=NotificationType.CHECKED_ON,
            title=f"{sender.display_name} checked in on you",
            url=reverse("checkins:thread", args=[check_on.pk]),
            dedupe_key=f"check_on:{check_on.pk}",
            now=now,
        )
    return check_on


def check_on_reply(
    *, check_on: CheckOn, author: Person, message: str, now: datetime | None = None
) -> CheckOnReply:
    """Answer in a thread; only its two people may. The other one is told privately."""
    now = now or timezone.now()
    if author.pk not in (check_on.sender_id, check_on.recipient_id):
        raise ValidationError("Only the two people in this conversation can reply.", code="thread")
    other = check_on.other_than(author)
    if other.status == Person.Status.LEFT or other.erased_at is not None:
        raise ValidationError(
            {"message": f"{other.display_name} has left, so they won't see a reply."},
            code="left",
        )
    message = _clean_text(
        message, field="message", max_length=MESSAGE_MAX_LENGTH, required=True, what="your reply"
    )
    with transaction.atomic():
        reply = CheckOnReply(check_on=check_on, author=author, message=message, created_at=now)
        reply.full_clean(exclude=["check_on", "author"])
        reply.save()
        CheckOn.objects.filter(pk=check_on.pk).update(last_activity_at=now)
        check_on.last_activity_at = now
        interaction_record(
            actor=author, other=other, kind=Kind.REPLIED, occurred_at=now, source=reply
        )
        notify(
            recipient=other,
            type=NotificationType.CHECK_ON_REPLY,
            title=f"{author.display_name} replied to you",
            url=reverse("checkins:thread", args=[check_on.pk]) + f"#reply-{reply.pk}",
            dedupe_key=f"check_on_reply:{reply.pk}",
            now=now,
        )
    return reply
