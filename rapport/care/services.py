"""Writes for Care: booking, rescheduling and cancelling, the therapist's side, availability,
intro requests from the public page, and the practice set-up the demo uses.

Confidentiality rules every function here keeps:
- nothing is written to the ledger or the audit log (care is sealed: `audit_record`
  refuses care objects anyway);
- the client hears in the app through `notify(type=CARE, email=False)` and by email only
  through one neutral email per change, the invite (`invites.py`), when their "Care
  appointments" channel includes email; the therapist always gets the invite;
- nobody but the client and their therapist is ever notified;
- no request talks to a mail server: every email goes into the outbox (`CareEmail`) in the
  transaction of its change and a task sends it after the commit (retried if it fails).

No double-booking. `booking_create` locks the client's Person row (their yearly allowance)
and then the therapist's row (their calendar and daily maximum), in that order everywhere,
and re-computes the slot inside the transaction. On PostgreSQL the exclusion constraint is
the last word should anything slip past (it turns into `SlotTaken`); on SQLite the
IMMEDIATE transaction holds the database's write lock from its first statement, so two
bookings cannot interleave at all.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from rapport.accounts.models import User
from rapport.notifications.services import channel_for, notify, settings_for
from rapport.notifications.timing import next_delivery_time
from rapport.notifications.types import NotificationType
from rapport.people.models import Organization, Person

from . import invites, selectors
from .invites import absolute, when
from .models import (
    Booking,
    CareContract,
    CareEmail,
    DateException,
    IntroRequest,
    Practice,
    PracticeAdmin,
    SessionNote,
    SessionType,
    Therapist,
    WeeklyHours,
    codes_field_value,
)

logger = logging.getLogger(__name__)

MAX_INTAKE = 2000
MAX_NOTE = 20_000


def change_cutoff() -> timedelta:
    """How long before an appointment a client can still move or cancel it themselves."""
    return timedelta(hours=getattr(settings, "RAPPORT_CARE_CHANGE_CUTOFF_HOURS", 24))


class SlotTaken(ValidationError):
    """Someone else booked this time (or one overlapping it) first."""

    def __init__(self) -> None:
        super().__init__("This time was just taken. Please choose another one.", code="slot_taken")


class SlotUnavailable(ValidationError):
    def __init__(self, message: str = "") -> None:
        super().__init__(
            message or "That time is not available any more. Please choose another one.",
            code="slot_unavailable",
        )


def _clean_text(value: str, *, limit: int, field: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise ValidationError({field: f"Please keep this under {limit} characters."})
    return value


# --- booking -------------------------------------------------------------------------------


def _check_offered(
    *,
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    now: datetime,
    exclude_pk: int | None = None,
) -> None:
    """Raise unless `starts_at` is one of the slots the therapist offers right now."""
    if timezone.is_naive(starts_at):
        raise SlotUnavailable("Give the time with its time zone.")
    offered = selectors.slots_for(
        therapist=therapist,
        session_type=session_type,
        start=starts_at,
        until=starts_at + timedelta(seconds=1),
        now=now,
        exclude_pk=exclude_pk,
    )
    if offered and offered[0].start == starts_at:
        return
    end = starts_at + session_type.duration
    overlapping = Booking.objects.active().filter(
        therapist=therapist,
        blocked_from__lt=end + therapist.buffer_after,
        blocked_until__gt=starts_at - therapist.buffer_before,
    )
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    clash = overlapping.exists()
    if clash:
        raise SlotTaken()
    raise SlotUnavailable()


def _check_client(client: Person, therapist: Therapist) -> None:
    if client.erased_at is not None or client.status == Person.Status.LEFT:
        raise ValidationError("Only current members of an organisation can book.")
    contract = selectors.contract_for(organization_id=client.organization_id)
    if contract is None or therapist.practice_id not in {p.pk for p in contract.practices.all()}:
        raise ValidationError(
            "Your organisation doesn't offer sessions with this practice.", code="no_contract"
        )
    if not therapist.is_active:
        raise SlotUnavailable("This therapist is not taking bookings at the moment.")


def _lock(client: Person, therapist: Therapist) -> Therapist:
    # Always client first, then therapist: one order, so two transactions never deadlock.
    Person.objects.select_for_update().filter(pk=client.pk).values_list("pk").first()
    return Therapist.objects.select_for_update().get(pk=therapist.pk)


def _check_allowance(client: Person, starts_at: datetime, *, exclude_pk: int | None = None) -> None:
    year = starts_at.astimezone(client.tz).year
    allowance = selectors.allowance_for(person=client, year=year)
    used = allowance.used
    if exclude_pk is not None:
        start, end = selectors.year_bounds(year=year, tz=client.tz)
        used -= Booking.objects.filter(
            pk=exclude_pk,
            funded=True,
            status__in=selectors.USED,
            starts_at__gte=start,
            starts_at__lt=end,
        ).count()
    if used >= allowance.per_year:
        raise ValidationError(
            f"You have used all {allowance.per_year} funded sessions for {year}. "
            "A free introduction call is still possible.",
            code="allowance_used",
        )


def booking_create(
    *,
    client: Person,
    therapist: Therapist,
    session_type: SessionType,
    starts_at: datetime,
    intake_reason: str = "",
    intake_contact: str = "",
    now: datetime | None = None,
) -> Booking:
    """Book `session_type` with `therapist` at `starts_at` for `client`.

    Raises SlotTaken when someone else got this time first, SlotUnavailable when the time
    isn't offered (outside hours, too soon, too far ahead), ValidationError for the rest.
    """
    now = now or timezone.now()
    if session_type.therapist_id != therapist.pk or not session_type.is_active:
        raise ValidationError({"session_type": "Choose one of this therapist's sessions."})
    intake_reason = _clean_text(intake_reason, limit=MAX_INTAKE, field="intake_reason")
    intake_contact = _clean_text(intake_contact, limit=500, field="intake_contact")
    _check_client(client, therapist)
    with transaction.atomic():
        therapist = _lock(client, therapist)
        _check_offered(therapist=therapist, session_type=session_type, starts_at=starts_at, now=now)
        if session_type.is_intro:
            if Booking.objects.filter(
                client=client,
                therapist=therapist,
                session_type__is_intro=True,
                status=Booking.Status.CONFIRMED,
                ends_at__gt=now,
            ).exists():
                raise ValidationError(
                    "You already have an introduction call with this therapist coming up.",
                    code="intro_booked",
                )
        else:
            _check_allowance(client, starts_at)
        ends_at = starts_at + session_type.duration
        booking = Booking(
            organization_id=client.organization_id,
            client=client,
            therapist=therapist,
            session_type=session_type,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_from=starts_at - therapist.buffer_before,
            blocked_until=ends_at + therapist.buffer_after,
            funded=not session_type.is_intro,
            intake_reason=intake_reason,
            intake_contact=intake_contact,
            created_at=now,
            updated_at=now,
        )
        booking.full_clean(
            exclude=["organization", "client", "therapist", "session_type", "uid"],
            validate_constraints=False,
        )
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
        except IntegrityError as error:
            # PostgreSQL's exclusion constraint: someone else's overlapping booking won.
            logger.info("care: booking refused by the database: %s", error)
            raise SlotTaken() from error
        _announce(booking, "booked")
    return booking


# --- telling the client and the therapist -------------------------------------------------

TITLES = {
    "booked": "Your appointment is booked",
    "moved": "Your appointment has moved",
    "cancelled": "Your appointment was cancelled",
    "reminder_hour": "Your appointment starts within the hour",
}


def _soon(booking: Booking, now: datetime) -> str:
    """In the client's own time zone: "today", "tomorrow", or "coming up"."""
    tz = booking.client.tz
    days = (booking.starts_at.astimezone(tz).date() - now.astimezone(tz).date()).days
    return {0: "today", 1: "tomorrow"}.get(days, "coming up")


def _title(booking: Booking, event: str, now: datetime) -> str:
    if event == "reminder_day":
        return f"Your appointment is {_soon(booking, now)}"
    return TITLES[event]


def client_wants_email(booking: Booking) -> bool:
    """Whether the client gets Care's emails (their "Care appointments" channel)."""
    return (
        invites.client_may_get_email(booking)
        and channel_for(person=booking.client, type_=NotificationType.CARE).email
    )


def _tell_client(booking: Booking, event: str, *, now: datetime | None = None) -> None:
    """The in-app notice (never an email of its own: the invite or reminder is the email)."""
    client = booking.client
    notify(
        recipient=client,
        type=NotificationType.CARE,
        title=_title(booking, event, now or timezone.now()),
        body=f"{when(booking.starts_at, client.time_zone)}.",
        url=reverse("care:booking", args=[booking.pk]),
        dedupe_key=f"care:{booking.pk}:{event}:{booking.sequence}:{booking.starts_at:%Y%m%d%H%M}",
        email=False,
    )


def _announce(booking: Booking, event: str) -> None:
    """A booking was made, moved or cancelled: one notice in the client's inbox, one
    invite email to the client (if they take Care emails) and one to the therapist."""
    _tell_client(booking, event)
    if client_wants_email(booking):
        _invite(booking, invites.client_invite(booking))
    _invite(booking, invites.therapist_invite(booking))


def _invite(booking: Booking, draft: invites.Draft) -> CareEmail:
    return _outbox(
        draft,
        kind=CareEmail.Kind.INVITE,
        key=f"invite:{booking.uid}:{booking.sequence}:{draft.role}",
        booking=booking,
    )


def _outbox(
    draft: invites.Draft,
    *,
    kind: str,
    key: str,
    booking: Booking | None = None,
    due_at: datetime | None = None,
) -> CareEmail:
    """Put an email in the outbox, once per key; it is sent by a task after the commit."""
    with transaction.atomic():
        email, created = CareEmail.objects.get_or_create(
            dedupe_key=key,
            defaults={
                "kind": kind,
                "to": draft.to,
                "subject": draft.subject,
                "body": draft.body,
                "ics": draft.ics,
                "ics_method": draft.ics_method,
                "booking": booking,
                "sequence": booking.sequence if booking is not None else None,
                "due_at": due_at or timezone.now(),
            },
        )
        if created:
            transaction.on_commit(partial(enqueue_care_email, email.pk, email.due_at))
    return email


def enqueue_care_email(email_id: int, due_at: datetime | None = None) -> None:
    """Queue the sending task, deferred to `due_at` when the backend can defer (one that
    cannot is not asked to send early: the periodic job queues the email once it is due)."""
    from .tasks import send_care_email

    task = send_care_email
    if due_at is not None and due_at > timezone.now():
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=due_at)
    task.enqueue(email_id)


def _check_cutoff(booking: Booking, now: datetime, action: str) -> None:
    if booking.status != Booking.Status.CONFIRMED:
        raise ValidationError("This appointment can't be changed any more.", code="not_active")
    if booking.starts_at - now < change_cutoff():
        hours = int(change_cutoff().total_seconds() // 3600)
        raise ValidationError(
            f"Appointments can be {action} up to {hours} hours before they start. "
            "Please contact your therapist directly.",
            code="too_late",
        )


def booking_reschedule(
    *, booking: Booking, starts_at: datetime, now: datetime | None = None
) -> Booking:
    """The client moves their appointment to another offered time (same session type)."""
    now = now or timezone.now()
    _check_cutoff(booking, now, "moved")
    client = booking.client
    with transaction.atomic():
        therapist = _lock(client, booking.therapist)
        booking = (
            Booking.objects.select_for_update()
            .select_related("client__user", "session_type", "therapist__user")
            .get(pk=booking.pk)
        )
        _check_cutoff(booking, now, "moved")
        if starts_at == booking.starts_at:
            return booking
        _check_offered(
            therapist=therapist,
            session_type=booking.session_type,
            starts_at=starts_at,
            now=now,
            exclude_pk=booking.pk,
        )
        if booking.funded:
            _check_allowance(client, starts_at, exclude_pk=booking.pk)
        booking.starts_at = starts_at
        booking.ends_at = starts_at + booking.session_type.duration
        booking.blocked_from = starts_at - therapist.buffer_before
        booking.blocked_until = booking.ends_at + therapist.buffer_after
        booking.sequence += 1
        booking.reminded_day_at = booking.reminded_hour_at = None
        booking.updated_at = now
        try:
            with transaction.atomic():
                booking.save(
                    update_fields=[
                        "starts_at",
                        "ends_at",
                        "blocked_from",
                        "blocked_until",
                        "sequence",
                        "reminded_day_at",
                        "reminded_hour_at",
                        "updated_at",
                    ]
                )
        except IntegrityError as error:
            raise SlotTaken() from error
        _announce(booking, "moved")
    return booking


def _cancel(booking: Booking, *, by: str, now: datetime) -> Booking:
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_by = by
    booking.cancelled_at = now
    booking.sequence += 1
    booking.updated_at = now
    booking.save(update_fields=["status", "cancelled_by", "cancelled_at", "sequence", "updated_at"])
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, now: datetime | None = None) -> Booking:
    """The client cancels, up to the cut-off. The time is free again at once."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update()
        .select_related("client__user", "session_type", "therapist__user")
        .get(pk=booking.pk)
    )
    _check_cutoff(booking, now, "cancelled")
    _cancel(booking, by=Booking.CancelledBy.CLIENT, now=now)
    _announce(booking, "cancelled")
    return booking


@transaction.atomic
def session_cancel(
    *, therapist: Therapist, booking: Booking, now: datetime | None = None
) -> Booking:
    """The therapist cancels a session that hasn't ended; the client is told."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update()
        .select_related("client__user", "session_type", "therapist__user")
        .get(pk=booking.pk, therapist=therapist)
    )
    if booking.status != Booking.Status.CONFIRMED or booking.ends_at <= now:
        raise ValidationError("Only upcoming sessions can be cancelled.", code="not_active")
    _cancel(booking, by=Booking.CancelledBy.THERAPIST, now=now)
    _announce(booking, "cancelled")
    return booking


@transaction.atomic
def session_outcome_set(
    *, therapist: Therapist, booking: Booking, outcome: str, now: datetime | None = None
) -> Booking:
    """Attended or missed, once the session has started."""
    now = now or timezone.now()
    if outcome not in (Booking.Status.ATTENDED, Booking.Status.NO_SHOW):
        raise ValidationError({"outcome": "Choose attended or missed."})
    booking = Booking.objects.select_for_update().get(pk=booking.pk, therapist=therapist)
    if booking.status == Booking.Status.CANCELLED:
        raise ValidationError("This session was cancelled.", code="not_active")
    if booking.starts_at > now:
        raise ValidationError("You can record this once the session has started.", code="early")
    booking.status = outcome
    booking.updated_at = now
    booking.save(update_fields=["status", "updated_at"])
    return booking


@transaction.atomic
def session_note_save(*, therapist: Therapist, booking: Booking, text: str) -> SessionNote:
    """The therapist's private notes: encrypted, readable by this therapist only."""
    if booking.therapist_id != therapist.pk:
        raise ValidationError("Not your session.")
    text = _clean_text(text, limit=MAX_NOTE, field="text")
    note, _ = SessionNote.objects.select_for_update().get_or_create(
        booking=booking, defaults={"therapist": therapist}
    )
    note.text = text
    note.updated_at = timezone.now()
    note.save(update_fields=["text", "updated_at"])
    return note


def note_for(*, therapist: Therapist, booking: Booking) -> SessionNote | None:
    return SessionNote.objects.filter(booking=booking, therapist=therapist).first()


# --- invites and reminders (run by tasks) --------------------------------------------------


#: How long one task run may hold an email before another run may take it over.
EMAIL_SEND_LEASE = timedelta(minutes=5)
MAX_EMAIL_ATTEMPTS = 5
#: The periodic job queues again emails still waiting this long after they were due.
OVERDUE_AFTER = timedelta(minutes=15)
#: Sent and skipped emails are deleted after this long, failed ones after KEEP_FAILED.
KEEP_DONE = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)


def _lease_held(email: CareEmail, claim: str, now: datetime) -> bool:
    if email.claim == claim:  # this very run, re-queued after its worker died mid-send
        return False
    return email.claimed_at is not None and email.claimed_at > now - EMAIL_SEND_LEASE


def care_email_send(*, email_id: int, claim: str, now: datetime | None = None) -> str:
    """Send one outbox email if it is due and still wanted; what happened, for the logs.

    Idempotent: a row is claimed in a short transaction (PENDING → SENDING) and the mail
    server is spoken to outside it, so two runs never send it twice and no lock is held
    while SMTP thinks. On failure the row goes back to PENDING for a later try (FAILED after
    MAX_EMAIL_ATTEMPTS) and the error is raised, so the task's result says so.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = CareEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return "missing"
        if email.state not in (CareEmail.State.PENDING, CareEmail.State.SENDING):
            return f"done:{email.state}"
        if email.state == CareEmail.State.SENDING and _lease_held(email, claim, now):
            return "busy"
        if email.state == CareEmail.State.PENDING and email.due_at > now:
            return "early"
        superseded = (
            email.booking_id is not None
            and email.sequence is not None
            and Booking.objects.filter(pk=email.booking_id, sequence__gt=email.sequence).exists()
        )
        if superseded:
            # The booking changed again since: only its latest state goes out.
            email.state = CareEmail.State.SKIPPED
            email.claim, email.claimed_at = "", None
            email.save(update_fields=["state", "claim", "claimed_at"])
            return "skipped:superseded"
        email.state = CareEmail.State.SENDING
        email.claim, email.claimed_at = claim, now
        email.attempts += 1
        email.save(update_fields=["state", "claim", "claimed_at", "attempts"])

    try:
        invites.message_for(email).send()
    except Exception:
        give_up = email.attempts >= MAX_EMAIL_ATTEMPTS
        CareEmail.objects.filter(pk=email.pk, claim=claim).update(
            state=CareEmail.State.FAILED if give_up else CareEmail.State.PENDING,
            due_at=now + timedelta(minutes=2**email.attempts),
            claim="",
            claimed_at=None,
        )
        logger.warning("care: email #%s not sent (attempt %s)", email.pk, email.attempts)
        raise
    CareEmail.objects.filter(pk=email.pk, claim=claim).update(
        state=CareEmail.State.SENT, sent_at=timezone.now(), claim="", claimed_at=None
    )
    return "sent"


def care_emails_retry(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Queue again what should have gone by now: a failure waiting for its next try, an
    enqueue lost between commit and queue, a claim whose worker vanished. Deletes emails
    done long ago. Sending is idempotent, so a duplicate in the queue is harmless."""
    from .tasks import send_care_email

    now = now or timezone.now()
    # A backend that defers already holds a task for each new email; one that cannot relies
    # on this job alone, so it gets no grace period.
    grace = OVERDUE_AFTER if send_care_email.get_backend().supports_defer else timedelta()
    waiting = CareEmail.objects.filter(
        Q(state=CareEmail.State.PENDING, attempts=0, due_at__lte=now - grace)
        | Q(state=CareEmail.State.PENDING, attempts__gt=0, due_at__lte=now)
        | Q(state=CareEmail.State.SENDING, claimed_at__lte=now - EMAIL_SEND_LEASE)
    )
    ids = list(waiting.order_by("due_at", "id").values_list("pk", flat=True)[:limit])
    for pk in ids:
        enqueue_care_email(pk)
    CareEmail.objects.filter(
        Q(state__in=[CareEmail.State.SENT, CareEmail.State.SKIPPED], created_at__lt=now - KEEP_DONE)
        | Q(state=CareEmail.State.FAILED, created_at__lt=now - KEEP_FAILED)
    ).delete()
    return len(ids)


def _remind(booking: Booking, event: str, now: datetime) -> bool:
    """One reminder: in the inbox, and by a neutral email if the client takes Care emails
    and their quiet hours let it arrive before the appointment does. (Their working days
    don't hold it back: an appointment of their own may well be on a day off.)"""
    _tell_client(booking, event, now=now)
    if not client_wants_email(booking):
        return True
    prefs = settings_for(person=booking.client)
    due_at = next_delivery_time(
        now,
        tz=booking.client.tz,
        quiet_start=prefs.quiet_hours_start,
        quiet_end=prefs.quiet_hours_end,
        working_days=None,
    )
    if due_at >= booking.starts_at - timedelta(minutes=10):
        return True  # it would arrive too late to help: the inbox has it
    _outbox(
        invites.client_reminder(booking),
        kind=CareEmail.Kind.REMINDER,
        key=f"reminder:{booking.uid}:{booking.sequence}:{event}:client",
        booking=booking,
        due_at=due_at,
    )
    return True


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind clients a day and an hour before. Each reminder is claimed with a
    conditional UPDATE, so two workers never send the same one; the dedupe keys of `notify`
    and of the outbox cover a retry after a crash. A day's reminder is left out for an
    appointment booked or moved within the last day (the confirmation is fresh), and an
    hour's reminder makes a pending day's one moot."""
    now = now or timezone.now()
    sent = 0
    for field, event, window in (
        ("reminded_hour_at", "reminder_hour", timedelta(hours=1)),
        ("reminded_day_at", "reminder_day", timedelta(hours=24)),
    ):
        due = Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            starts_at__gt=now,
            starts_at__lte=now + window,
            **{f"{field}__isnull": True},
        ).values_list("pk", flat=True)
        for pk in list(due[:1000]):
            with transaction.atomic():
                claimed = Booking.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(
                    **{field: now}
                )
                if not claimed:
                    continue
                booking = Booking.objects.select_related("client__user", "therapist").get(pk=pk)
                fresh = booking.updated_at > booking.starts_at - window
                if event == "reminder_hour" or (booking.reminded_hour_at is None and not fresh):
                    sent += _remind(booking, event, now)
                if event == "reminder_hour":
                    # An hour's reminder makes the day's one moot.
                    Booking.objects.filter(pk=pk, reminded_day_at__isnull=True).update(
                        reminded_day_at=now
                    )
    return sent


# --- availability --------------------------------------------------------------------------


@dataclass(frozen=True)
class TherapistSettings:
    buffer_before_minutes: int
    buffer_after_minutes: int
    min_notice_hours: int
    horizon_days: int
    max_sessions_per_day: int | None
    slot_step_minutes: int
    time_zone: str


@transaction.atomic
def therapist_settings_update(*, therapist: Therapist, values: TherapistSettings) -> Therapist:
    """Booking rules. Existing bookings keep the buffers they were made with."""
    for name, value in values.__dict__.items():
        setattr(therapist, name, value)
    therapist.full_clean(exclude=["practice", "user"], validate_unique=False)
    therapist.save(update_fields=list(values.__dict__))
    return therapist


@dataclass(frozen=True)
class TherapistProfile:
    display_name: str
    pronouns: str
    photo_url: str
    bio: str
    credentials: str
    specialties: list[str]
    languages: list[str]
    is_active: bool


@transaction.atomic
def therapist_profile_update(*, therapist: Therapist, profile: TherapistProfile) -> Therapist:
    """What members see of a therapist, and whether they take new bookings. Pausing keeps
    existing appointments (the therapist still sees them and may cancel them)."""
    therapist = Therapist.objects.select_for_update().get(pk=therapist.pk)
    therapist.display_name = _clean_text(profile.display_name, limit=120, field="display_name")
    if not therapist.display_name:
        raise ValidationError({"display_name": "A therapist needs a name people can read."})
    therapist.pronouns = _clean_text(profile.pronouns, limit=30, field="pronouns")
    therapist.photo_url = profile.photo_url.strip()
    therapist.bio = _clean_text(profile.bio, limit=3000, field="bio")
    therapist.credentials = _clean_text(profile.credentials, limit=300, field="credentials")
    therapist.specialties = codes_field_value(profile.specialties)
    therapist.languages = codes_field_value(profile.languages)
    if not profile.languages:
        raise ValidationError({"languages": "Choose at least one language."})
    therapist.is_active = profile.is_active
    therapist.full_clean(exclude=["practice", "user"], validate_unique=False)
    therapist.save()
    return therapist


@transaction.atomic
def weekly_hours_add(*, therapist: Therapist, weekday: int, start: time, end: time) -> WeeklyHours:
    hours = WeeklyHours(therapist=therapist, weekday=weekday, start=start, end=end)
    hours.full_clean(exclude=["therapist"], validate_constraints=False)
    overlapping = WeeklyHours.objects.filter(
        therapist=therapist, weekday=weekday, start__lt=end, end__gt=start
    )
    if overlapping.exists():
        raise ValidationError("These hours overlap hours you already have on that day.")
    hours.save()
    return hours


@transaction.atomic
def weekly_hours_replace(
    *, therapist: Therapist, hours: list[tuple[int, time, time]]
) -> list[WeeklyHours]:
    """All weekly hours at once (the API's PUT)."""
    WeeklyHours.objects.filter(therapist=therapist).delete()
    return [
        weekly_hours_add(therapist=therapist, weekday=w, start=s, end=e)
        for w, s, e in sorted(hours)
    ]


def weekly_hours_delete(*, therapist: Therapist, pk: int) -> int:
    deleted, _ = WeeklyHours.objects.filter(therapist=therapist, pk=pk).delete()
    return deleted


@transaction.atomic
def exception_add(
    *,
    therapist: Therapist,
    day: date,
    kind: str,
    start: time | None = None,
    end: time | None = None,
) -> DateException:
    exception = DateException(therapist=therapist, day=day, kind=kind, start=start, end=end)
    exception.full_clean(exclude=["therapist"])
    exception.save()
    return exception


def exception_delete(*, exception: DateException) -> None:
    exception.delete()


# --- intro requests from the public page ---------------------------------------------------

INTRO_SALT = "rapport.care.intro-request"
FORM_SALT = "rapport.care.intro-form"
MIN_SECONDS_TO_SUBMIT = 3
FORM_MAX_AGE = 24 * 3600
CONFIRM_MAX_AGE = 3 * 24 * 3600
PER_IP_PER_HOUR = 5
PER_EMAIL_PER_DAY = 3


class Throttled(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            "We have had several requests from here in a short time. Please try again later.",
            code="throttled",
        )


def intro_form_token(*, now: datetime | None = None) -> str:
    """A signed timestamp the public form carries, to tell a person from a quick script."""
    moment = now or timezone.now()
    return signing.dumps({"t": moment.timestamp()}, salt=FORM_SALT)


def _hit(key: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt under `key`; True if it is over the limit."""
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count > limit


def intro_request_submit(
    *,
    practice: Practice,
    name: str,
    email: str,
    form_token: str,
    honeypot: str = "",
    ip: str | None = None,
    now: datetime | None = None,
) -> IntroRequest | None:
    """Record a request and email a confirmation link. None: a bot, silently ignored."""
    now = now or timezone.now()
    if not practice.accepts_public_requests:
        raise ValidationError("This practice isn't taking requests here at the moment.")
    if honeypot.strip():
        return None
    try:
        started = signing.loads(form_token, salt=FORM_SALT, max_age=FORM_MAX_AGE)["t"]
    except (signing.BadSignature, KeyError, TypeError):
        raise ValidationError(
            "This form has expired. Please reload the page and send it again.", code="stale"
        ) from None
    if now.timestamp() - float(started) < MIN_SECONDS_TO_SUBMIT:
        raise ValidationError(
            "That was very quick. Please check your details and send the form again.",
            code="too_fast",
        )
    name = _clean_text(name, limit=120, field="name")
    email = _clean_text(email, limit=254, field="email").lower()
    request = IntroRequest(practice=practice, name=name, email=email, created_at=now)
    request.full_clean(exclude=["practice"])
    email_key = hashlib.sha256(email.encode()).hexdigest()[:32]
    if _hit(f"care:intro:ip:{ip or 'unknown'}", limit=PER_IP_PER_HOUR, seconds=3600) or _hit(
        f"care:intro:email:{email_key}", limit=PER_EMAIL_PER_DAY, seconds=86400
    ):
        raise Throttled()
    with transaction.atomic():
        request.save()
        token = signing.dumps({"r": request.pk}, salt=INTRO_SALT)
        link = absolute(reverse("care:intro_confirm", args=[practice.slug, token]))
        _outbox(
            invites.Draft(
                to=email,
                subject="Please confirm your email address",
                body=(
                    f"Hello {name},\n\nSomeone (we hope you) asked {practice.name} for an "
                    "introduction call with this address. To confirm, open this link within "
                    f"three days:\n{link}\n\n"
                    "If it wasn't you, ignore this email and nothing happens.\n"
                ),
            ),
            kind=CareEmail.Kind.INTRO_CONFIRM,
            key=f"intro:{request.pk}:confirm",
        )
    return request


@transaction.atomic
def intro_request_confirm(*, practice: Practice, token: str) -> IntroRequest:
    try:
        data = signing.loads(token, salt=INTRO_SALT, max_age=CONFIRM_MAX_AGE)
        pk = int(data["r"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError("This link is not valid or has expired.", code="bad_link") from None
    request = IntroRequest.objects.select_for_update().filter(pk=pk, practice=practice).first()
    if request is None:
        raise ValidationError("This link is not valid or has expired.", code="bad_link")
    if request.confirmed_at is None:
        request.confirmed_at = timezone.now()
        request.save(update_fields=["confirmed_at"])
        if practice.email:
            _outbox(
                invites.Draft(
                    to=practice.email,
                    subject="A new request is waiting",
                    body=(
                        "Someone confirmed a request for an introduction call.\n"
                        f"See it in Rapport: {absolute(reverse('care:intro_requests'))}\n"
                    ),
                ),
                kind=CareEmail.Kind.INTRO_ALERT,
                key=f"intro:{request.pk}:alert",
            )
    return request


def intro_request_handle(*, request: IntroRequest) -> IntroRequest:
    if request.handled_at is None:
        request.handled_at = timezone.now()
        request.save(update_fields=["handled_at"])
    return request


def _skip_stale_emails(bookings: QuerySet[Booking]) -> None:
    """Bookings about to be deleted: emails about their older revisions must not go out
    once the booking can no longer tell that they are stale."""
    CareEmail.objects.filter(
        booking__in=bookings,
        state=CareEmail.State.PENDING,
        sequence__lt=F("booking__sequence"),
    ).update(state=CareEmail.State.SKIPPED)


# --- the member's own data -----------------------------------------------------------------


@transaction.atomic
def care_history_erase(*, person: Person) -> int:
    """The member deletes their care history. Upcoming appointments must be cancelled
    first (the therapist is expecting them). Intake answers go everywhere; sessions of
    this year stay as bare rows because they count toward this year's funded sessions."""
    now = timezone.now()
    if Booking.objects.filter(
        client=person, status=Booking.Status.CONFIRMED, ends_at__gt=now
    ).exists():
        raise ValidationError(
            "Please cancel your upcoming appointments first.", code="upcoming_bookings"
        )
    year_start, _ = selectors.year_bounds(year=now.astimezone(person.tz).year, tz=person.tz)
    mine = Booking.objects.filter(client=person)
    # Emails to the member about what goes (already sent, or for a cancelled time).
    CareEmail.objects.filter(
        Q(booking__status=Booking.Status.CANCELLED) | Q(booking__starts_at__lt=year_start),
        booking__client=person,
        dedupe_key__endswith=":client",
    ).delete()
    _skip_stale_emails(
        mine.filter(Q(status=Booking.Status.CANCELLED) | Q(starts_at__lt=year_start))
    )
    deleted, _ = mine.filter(status=Booking.Status.CANCELLED).delete()
    old, _ = mine.filter(starts_at__lt=year_start).delete()
    kept = list(mine)
    for booking in kept:
        booking.intake_reason = ""
        booking.intake_contact = ""
        booking.save(update_fields=["intake_reason", "intake_contact"])
    return deleted + old


def care_data_erase(*, person: Person) -> None:
    """Erasing a person who left: upcoming sessions are cancelled (the therapist gets the
    cancellation), then everything of theirs in Care is deleted."""
    now = timezone.now()
    upcoming = Booking.objects.filter(
        client=person, status=Booking.Status.CONFIRMED, ends_at__gt=now
    ).select_related("therapist__user", "session_type", "client__user")
    for booking in upcoming:
        _cancel(booking, by=Booking.CancelledBy.SYSTEM, now=now)
        # The therapist's cancellation is written now, while the booking still exists;
        # it is sent after the booking is gone (it names nobody).
        _invite(booking, invites.therapist_invite(booking))
    CareEmail.objects.filter(booking__client=person, dedupe_key__endswith=":client").delete()
    _skip_stale_emails(Booking.objects.filter(client=person))
    Booking.objects.filter(client=person).delete()


# --- set-up (the demo and tests; practices are set up by Rapport's operators) -------------


@transaction.atomic
def practice_create(
    *,
    name: str,
    slug: str,
    about: str = "",
    email: str = "",
    admins: list[User] = (),  # type: ignore[assignment]
) -> Practice:
    practice = Practice(name=name, slug=slug, about=about, email=email)
    practice.full_clean()
    practice.save()
    for user in admins:
        PracticeAdmin.objects.create(practice=practice, user=user)
    return practice


@transaction.atomic
def therapist_create(
    *,
    practice: Practice,
    user: User,
    display_name: str,
    specialties: list[str],
    languages: list[str],
    time_zone: str,
    bio: str = "",
    credentials: str = "",
    pronouns: str = "",
    photo_url: str = "",
) -> Therapist:
    if Person.objects.filter(user=user).exists():
        raise ValidationError("A therapist's account can't also be an organisation member's.")
    therapist = Therapist(
        practice=practice,
        user=user,
        display_name=display_name,
        specialties=codes_field_value(specialties),
        languages=codes_field_value(languages),
        time_zone=time_zone,
        bio=bio,
        credentials=credentials,
        pronouns=pronouns,
        photo_url=photo_url,
    )
    therapist.full_clean(exclude=["practice", "user"])
    therapist.save()
    return therapist


def session_type_create(
    *,
    therapist: Therapist,
    name: str,
    duration_minutes: int,
    is_intro: bool = False,
    mode: str = SessionType.Mode.VIDEO,
    video_link: str = "",
    address: str = "",
    position: int = 0,
) -> SessionType:
    session_type = SessionType(
        therapist=therapist,
        name=name,
        duration_minutes=duration_minutes,
        is_intro=is_intro,
        mode=mode,
        video_link=video_link,
        address=address,
        position=position,
    )
    session_type.full_clean(exclude=["therapist"])
    session_type.save()
    return session_type


@transaction.atomic
def contract_set(
    *, organization: Organization, practices: list[Practice], funded_sessions_per_year: int
) -> CareContract:
    contract, _ = CareContract.objects.update_or_create(
        organization=organization,
        defaults={"funded_sessions_per_year": funded_sessions_per_year, "active": True},
    )
    contract.full_clean(exclude=["organization"], validate_unique=False)
    contract.practices.set(practices)
    return contract
