"""Writes for roadblocks: note one, edit it, prepare the opener, invite the other person to
talk, record how it went, and the reminders that nudge the author to talk soon.

Privacy rules these functions keep (DESIGN.md): nothing of a roadblock reaches anyone but its
author, except the invitation text the author chose to send. Reminders go to the author only.
Nothing here writes to the audit log ("roadblocks" is a sealed app there). A conversation
recorded as held adds one `TALKED` interaction to the ledger, and nothing else leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record
from rapport.notifications.services import notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Person
from rapport.tone.coach import ToneReport, check

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
from .opener import opener_draft

PARTS = ("what_happened", "how_i_felt", "what_i_need", "what_i_will_ask")
PART_LABELS = {
    "what_happened": "What happened",
    "how_i_felt": "How you felt",
    "what_i_need": "What you need",
    "what_i_will_ask": "What you will ask for",
}
#: Reminders stop after this many, even without an outcome: by then it is nagging.
MAX_REMINDERS = 10


# --- validation ------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    # PostgreSQL refuses NUL characters; nobody types them on purpose.
    return (value or "").replace("\x00", "").strip()


def _check_length(errors: dict[str, str], field: str, value: str, limit: int, label: str) -> None:
    if len(value) > limit:
        errors[field] = f"{label} is {len(value)} characters; keep it to {limit}."


def _check_person(*, author: Person, person: Person | None) -> None:
    if person is None:
        return
    if person.pk == author.pk:
        raise ValidationError({"person": "A roadblock is with someone else, not yourself."})
    if person.organization_id != author.organization_id or person.erased_at is not None:
        raise ValidationError({"person": "Choose someone in your organisation."})
    if person.status == Person.Status.LEFT:
        raise ValidationError(
            {"person": f"{person.display_name} has left; note it as a situation instead."}
        )


def _check_remind_after(days: int) -> None:
    if not MIN_REMIND_AFTER_DAYS <= days <= MAX_REMIND_AFTER_DAYS:
        raise ValidationError(
            {
                "remind_after_days": (
                    f"Choose between {MIN_REMIND_AFTER_DAYS} and {MAX_REMIND_AFTER_DAYS} days."
                )
            }
        )


def _validated(roadblock: Roadblock) -> None:
    errors: dict[str, str] = {}
    for name in PARTS:
        value = getattr(roadblock, name)
        if not value:
            errors[name] = f"{PART_LABELS[name]}: write a few words here."
        else:
            _check_length(errors, name, value, MAX_FIELD, PART_LABELS[name])
    _check_length(errors, "situation", roadblock.situation, MAX_SITUATION, "The situation")
    _check_length(errors, "opener", roadblock.opener, MAX_OPENER, "The opener")
    if errors:
        raise ValidationError(errors)
    roadblock.full_clean(exclude=["organization", "author", "person"])


# --- reminders timing ------------------------------------------------------------------------


def next_reminder_after(*, author: Person, start: datetime, days: int) -> datetime:
    """`days` calendar days after `start`, at the start of the author's working day, in their
    own time zone (so a DST change in between moves nothing on their clock)."""
    local_day = start.astimezone(author.tz).date() + timedelta(days=days)
    local = datetime.combine(local_day, author.work_start, tzinfo=author.tz)
    return local.astimezone(UTC)


# --- roadblocks ----------------------------------------------------------------------------


def roadblock_create(
    *,
    author: Person,
    person: Person | None = None,
    situation: str = "",
    what_happened: str,
    how_i_felt: str,
    what_i_need: str,
    what_i_will_ask: str,
    remind_after_days: int | None = None,
    now: datetime | None = None,
) -> Roadblock:
    """Note a roadblock; the first reminder is due `remind_after_days` days from now."""
    now = now or timezone.now()
    _check_person(author=author, person=person)
    days = remind_after_days if remind_after_days is not None else DEFAULT_REMIND_AFTER_DAYS
    _check_remind_after(days)
    roadblock = Roadblock(
        organization_id=author.organization_id,
        author=author,
        person=person,
        situation="" if person is not None else _text(situation),
        what_happened=_text(what_happened),
        how_i_felt=_text(how_i_felt),
        what_i_need=_text(what_i_need),
        what_i_will_ask=_text(what_i_will_ask),
        remind_after_days=days,
        next_reminder_at=next_reminder_after(author=author, start=now, days=days),
        created_at=now,
        updated_at=now,
    )
    _validated(roadblock)
    roadblock.opener = roadblock_opener_draft(roadblock=roadblock)
    with transaction.atomic():
        roadblock.save(force_insert=True)
    return roadblock


_UNSET = object()


def roadblock_update(
    *,
    roadblock: Roadblock,
    person: Person | object | None = _UNSET,
    situation: str | None = None,
    what_happened: str | None = None,
    how_i_felt: str | None = None,
    what_i_need: str | None = None,
    what_i_will_ask: str | None = None,
    opener: str | None = None,
    remind_after_days: int | None = None,
    now: datetime | None = None,
) -> Roadblock:
    """Change what was given (None: leave as it is). The person can't change once an
    invitation went out: the invitation is theirs."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Roadblock.objects.select_for_update(of=("self",)).get(pk=roadblock.pk)
        if person is not _UNSET:
            assert person is None or isinstance(person, Person)
            if person != locked.person and _has_invitation(locked):
                raise ValidationError(
                    {"person": "You already invited them to talk; the person stays the same."}
                )
            _check_person(author=locked.author, person=person)
            locked.person = person
            if person is not None:
                locked.situation = ""
        if situation is not None and locked.person_id is None:
            locked.situation = _text(situation)
        for name, value in (
            ("what_happened", what_happened),
            ("how_i_felt", how_i_felt),
            ("what_i_need", what_i_need),
            ("what_i_will_ask", what_i_will_ask),
        ):
            if value is not None:
                setattr(locked, name, _text(value))
        if opener is not None:
            locked.opener = _text(opener)
        if remind_after_days is not None and remind_after_days != locked.remind_after_days:
            _check_remind_after(remind_after_days)
            locked.remind_after_days = remind_after_days
            if locked.is_open:
                start = locked.created_at if locked.reminders_sent == 0 else now
                locked.next_reminder_at = max(
                    now,
                    next_reminder_after(author=locked.author, start=start, days=remind_after_days),
                )
        _validated(locked)
        locked.updated_at = now
        locked.save()
    return locked


def _has_invitation(roadblock: Roadblock) -> bool:
    return TalkInvitation.objects.filter(roadblock=roadblock).exists()


def roadblock_delete(*, roadblock: Roadblock) -> None:
    """Gone for good, with its invitation (the recipient's copy goes too)."""
    roadblock.delete()


def roadblock_opener_draft(*, roadblock: Roadblock) -> str:
    """The suggested opener from the roadblock's four parts (not saved)."""
    first_name = ""
    if roadblock.person is not None:
        first_name = roadblock.person.display_name.split(" ")[0]
    return opener_draft(
        what_happened=roadblock.what_happened,
        how_i_felt=roadblock.how_i_felt,
        what_i_need=roadblock.what_i_need,
        what_i_will_ask=roadblock.what_i_will_ask,
        first_name=first_name,
    )


@dataclass(frozen=True)
class OpenerSuggestion:
    opener: str
    tone: ToneReport


def roadblock_suggest_opener(*, roadblock: Roadblock) -> OpenerSuggestion:
    """A fresh opener and what the tone coach says about it; the author decides what to keep."""
    opener = roadblock_opener_draft(roadblock=roadblock)[:MAX_OPENER]
    return OpenerSuggestion(opener=opener, tone=check(opener))


# --- invitations ---------------------------------------------------------------------------


def roadblock_invite(
    *, roadblock: Roadblock, message: str, now: datetime | None = None
) -> TalkInvitation:
    """Send the other person an invitation to talk, with the words the author chose."""
    now = now or timezone.now()
    message = _text(message)
    if not message:
        raise ValidationError({"message": "Write a few words to invite them to talk."})
    if len(message) > MAX_INVITATION:
        too_long = f"The invitation is {len(message)} characters; keep it to {MAX_INVITATION}."
        raise ValidationError({"message": too_long})
    with transaction.atomic():
        locked = (
            Roadblock.objects.select_for_update(of=("self",))
            .select_related("person", "author")
            .get(pk=roadblock.pk)
        )
        recipient = locked.person
        if recipient is None:
            raise ValidationError(
                {"person": "This roadblock is about a situation; there is nobody to invite."}
            )
        if not locked.is_open:
            raise ValidationError({"message": "You already recorded how this went."})
        if _has_invitation(locked):
            raise ValidationError(
                {"message": f"You already invited {recipient.display_name} to talk about this."}
            )
        _check_person(author=locked.author, person=recipient)
        if recipient.status == Person.Status.ON_LEAVE:
            raise ValidationError(
                {"person": f"{recipient.display_name} is on leave; invite them when they are back."}
            )
        invitation = TalkInvitation(
            organization_id=locked.organization_id,
            roadblock=locked,
            sender=locked.author,
            recipient=recipient,
            message=message,
            created_at=now,
        )
        invitation.full_clean(exclude=["organization", "roadblock", "sender", "recipient"])
        invitation.save(force_insert=True)
        notify(
            recipient=recipient,
            type=NotificationType.TALK_INVITATION,
            title=f"{locked.author.display_name} would like to talk with you",
            url=reverse("roadblocks:invitation", args=[invitation.pk]),
            dedupe_key=f"roadblocks:invitation:{invitation.pk}",
            now=now,
        )
    return invitation


def invitation_respond(
    *,
    invitation: TalkInvitation,
    status: str,
    proposed_time: datetime | None = None,
    note: str = "",
    now: datetime | None = None,
) -> TalkInvitation:
    """The recipient accepts, proposes a time, or declines; the sender hears about it."""
    now = now or timezone.now()
    try:
        status = InvitationStatus(status)
    except ValueError:
        raise ValidationError({"status": "Answer accepted, proposed or declined."}) from None
    if status == InvitationStatus.PENDING:
        raise ValidationError({"status": "Answer accepted, proposed or declined."})
    note = _text(note)
    if len(note) > MAX_RESPONSE_NOTE:
        raise ValidationError(
            {"note": f"The note is {len(note)} characters; keep it to {MAX_RESPONSE_NOTE}."}
        )
    if status == InvitationStatus.PROPOSED:
        if proposed_time is None:
            raise ValidationError({"proposed_time": "Say when you would like to talk."})
        if timezone.is_naive(proposed_time):
            raise ValidationError({"proposed_time": "Give the time with its time zone."})
        if proposed_time <= now:
            raise ValidationError({"proposed_time": "Propose a time in the future."})
        if proposed_time > now + timedelta(days=366):
            raise ValidationError({"proposed_time": "Propose a time within the next year."})
    else:
        proposed_time = None
    with transaction.atomic():
        locked = (
            TalkInvitation.objects.select_for_update(of=("self",))
            .select_related("sender", "recipient")
            .get(pk=invitation.pk)
        )
        locked.status = status
        locked.proposed_time = proposed_time
        locked.response_note = note
        locked.responded_at = now
        locked.save(update_fields=["status", "proposed_time", "response_note", "responded_at"])
        titles = {
            InvitationStatus.ACCEPTED: "{name} is up for a talk",
            InvitationStatus.PROPOSED: "{name} proposed a time to talk",
            InvitationStatus.DECLINED: "{name} can't talk about it right now",
        }
        notify(
            recipient=locked.sender,
            type=NotificationType.TALK_INVITATION,
            title=titles[status].format(name=locked.recipient.display_name),
            url=reverse("roadblocks:detail", args=[locked.roadblock_id]),
            dedupe_key=f"roadblocks:invitation:{locked.pk}:answer:{now.isoformat()}",
            now=now,
        )
    return locked


# --- outcome -------------------------------------------------------------------------------


def roadblock_record_outcome(
    *, roadblock: Roadblock, outcome: str, now: datetime | None = None
) -> Roadblock:
    """Record how it went; reminders stop. A conversation held with the person goes in the
    ledger as TALKED (author with that person), and nothing else about it leaves."""
    now = now or timezone.now()
    try:
        chosen = Outcome(outcome)
    except ValueError:
        choices = ", ".join(Outcome.values)
        raise ValidationError({"outcome": f"Choose one of: {choices}."}) from None
    with transaction.atomic():
        locked = (
            Roadblock.objects.select_for_update(of=("self",))
            .select_related("author", "person")
            .get(pk=roadblock.pk)
        )
        first_time = locked.outcome_at is None
        locked.outcome = chosen
        locked.outcome_at = now if first_time else locked.outcome_at
        locked.next_reminder_at = None
        locked.updated_at = now
        locked.save(update_fields=["outcome", "outcome_at", "next_reminder_at", "updated_at"])
        if chosen.talked and locked.person is not None:
            interaction_record(
                actor=locked.author,
                other=locked.person,
                kind=Kind.TALKED,
                occurred_at=now,
                source=locked,
            )
    return locked


# --- reminders -----------------------------------------------------------------------------


def roadblock_reminders_send(*, now: datetime | None = None, batch: int = 500) -> int:
    """Remind authors of open roadblocks whose reminder is due; returns how many were sent.

    Safe to run from any number of workers at once: each reminder is claimed by a conditional
    UPDATE on (id, reminders_sent), and the notification's dedupe key names the reminder's
    number, so a retried or concurrent run never tells anyone twice.
    """
    now = now or timezone.now()
    due = list(
        Roadblock.objects.filter(outcome="", next_reminder_at__lte=now)
        .select_related("author", "person")
        .order_by("next_reminder_at", "pk")[:batch]
    )
    sent = 0
    for roadblock in due:
        number = roadblock.reminders_sent + 1
        follow_up = (
            next_reminder_after(
                author=roadblock.author, start=now, days=roadblock.remind_after_days
            )
            if number < MAX_REMINDERS
            else None
        )
        with transaction.atomic():
            claimed = Roadblock.objects.filter(
                pk=roadblock.pk, outcome="", reminders_sent=roadblock.reminders_sent
            ).update(reminders_sent=number, next_reminder_at=follow_up)
            if not claimed:
                continue
            notify(
                recipient=roadblock.author,
                type=NotificationType.ROADBLOCK_REMINDER,
                title=_reminder_title(roadblock),
                url=reverse("roadblocks:detail", args=[roadblock.pk]),
                dedupe_key=f"roadblocks:{roadblock.pk}:reminder:{number}",
                now=now,
            )
        sent += 1
    return sent


def _reminder_title(roadblock: Roadblock) -> str:
    # The title is in the author's own inbox only; the email of this type carries no text.
    if roadblock.person is not None:
        return f"Have you had the chance to talk with {roadblock.person.display_name}?"
    return "A conversation you prepared is waiting. How did it go?"
