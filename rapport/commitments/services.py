"""Writes for commitments: making, asking for, answering, renegotiating, delivering,
confirming and releasing promises; the sweeps that mark missed promises and confirm old
deliveries; reminders; and a person's settings.

Every change to a promise locks its row, checks the move against `states.MOVES`, writes an
event (the history, and the ledger's source), and tells the other side. Whoever calls a
service for a promise has already been found to be one of its parties (`selectors.
get_commitment_for` answers 404 to anyone else); services still check which side they are
on, because each move belongs to one side.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record
from rapport.notifications.services import notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Person

from .models import (
    TEXT_MAX,
    Commitment,
    CommitmentEvent,
    CommitmentReceiver,
    CommitmentReminder,
    CommitmentSettings,
    default_reminder_minutes,
    reminder_dedupe_key,
)
from .states import Action, EventKind, Outcome, Side, State, transition
from .timing import describe_offset, format_local, reminder_fire_at

#: A delivery nobody objects to counts as done after this long.
AUTO_CONFIRM_AFTER = timedelta(days=3)
#: How far ahead a promise may be due.
LONGEST_AHEAD = timedelta(days=2 * 365)
MAX_RECEIVERS = 20
MAX_REMINDERS = 5
#: The longest a reminder may come before the due time: two weeks.
MAX_REMINDER_MINUTES = 14 * 24 * 60
#: Reminders sent by one run of the task; the next run takes the rest.
REMINDER_BATCH = 500
SWEEP_BATCH = 500


# --- validation ----------------------------------------------------------------------------


def _clean_text(value: str, *, field: str, what: str, required: bool = True) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: what}, code="required")
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {field: f"Keep it to {TEXT_MAX} characters or fewer (this is {len(text)})."},
            code="too_long",
        )
    return text


def _check_due(due_at: datetime, *, now: datetime, field: str = "due_at") -> datetime:
    if timezone.is_naive(due_at):
        raise ValueError("due_at must be timezone-aware")
    if due_at <= now:
        raise ValidationError(
            {field: "That time has already passed. Choose a due time in the future."},
            code="in_the_past",
        )
    if due_at > now + LONGEST_AHEAD:
        raise ValidationError(
            {field: "Choose a due time within the next two years."}, code="too_far"
        )
    return due_at


def _colleagues(*, viewer: Person, ids: Iterable[int], field: str, what: str) -> list[Person]:
    """The people named by `ids`, all current colleagues of `viewer` and not `viewer`."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise ValidationError({field: f"Choose who {what}."}, code="required")
    if len(wanted) > MAX_RECEIVERS:
        raise ValidationError(
            {field: f"A promise is for at most {MAX_RECEIVERS} people."}, code="too_many"
        )
    if viewer.pk in wanted:
        raise ValidationError(
            {field: "A promise is between you and someone else: leave yourself out."},
            code="self",
        )
    found = {
        p.pk: p
        for p in Person.objects.visible_to(viewer).filter(pk__in=wanted).select_related("user")
    }
    if len(found) != len(wanted):
        raise ValidationError(
            {field: "Only people in your organisation can be part of a promise."},
            code="not_in_organization",
        )
    gone = [p.display_name for p in found.values() if p.status == Person.Status.LEFT]
    if gone:
        raise ValidationError(
            {field: f"{', '.join(sorted(gone))} has left the organisation."}, code="left"
        )
    return [found[i] for i in wanted]


class _Errors:
    """Collects the ValidationErrors of several independent checks, to report them all."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    @contextmanager
    def field(self) -> Iterator[None]:
        try:
            yield
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                self.messages.setdefault(name, []).extend(problems)


@contextmanager
def _collected_errors() -> Iterator[_Errors]:
    errors = _Errors()
    yield errors
    if errors.messages:
        raise ValidationError(errors.messages)


# --- helpers -------------------------------------------------------------------------------


def _url(commitment: Commitment) -> str:
    return reverse("commitments:detail", kwargs={"pk": commitment.pk})


def _short(commitment: Commitment) -> str:
    return Truncator(commitment.text).chars(80)


def _receivers(commitment: Commitment) -> list[Person]:
    return list(Person.objects.filter(commitment_receipts__commitment=commitment).order_by("pk"))


def _side(commitment: Commitment, person: Person) -> Side:
    if person.pk == commitment.promiser_id:
        return Side.PROMISER
    if CommitmentReceiver.objects.filter(commitment=commitment, person=person).exists():
        return Side.RECEIVER
    raise Http404("No commitment here")


def _locked(commitment: Commitment) -> Commitment:
    return Commitment.objects.select_for_update().select_related("promiser").get(pk=commitment.pk)


def _event(
    commitment: Commitment,
    kind: EventKind,
    *,
    actor: Person | None,
    now: datetime,
    note: str = "",
    old_due_at: datetime | None = None,
    new_due_at: datetime | None = None,
    early: bool | None = None,
) -> CommitmentEvent:
    event = CommitmentEvent(
        commitment=commitment,
        kind=kind,
        actor=actor,
        note=note,
        old_due_at=old_due_at,
        new_due_at=new_due_at,
        early=early,
        created_at=now,
    )
    event.full_clean(exclude=["commitment", "actor"])
    event.save()
    return event


def _save(commitment: Commitment, now: datetime, *fields: str) -> None:
    commitment.updated_at = now
    commitment.save(update_fields=[*fields, "updated_at"])


def _tell(
    people: Sequence[Person],
    *,
    title: str,
    body: str,
    commitment: Commitment,
    event: CommitmentEvent,
    now: datetime,
) -> None:
    for person in people:
        notify(
            recipient=person,
            type=NotificationType.COMMITMENT_UPDATE,
            title=title,
            body=body,
            url=_url(commitment),
            dedupe_key=f"commitment:{commitment.pk}:event:{event.pk}",
            now=now,
        )


def _ledger(
    commitment: Commitment,
    kind: Kind,
    *,
    receivers: Sequence[Person],
    now: datetime,
    source: Commitment | CommitmentEvent,
) -> None:
    for receiver in receivers:
        interaction_record(
            actor=commitment.promiser,
            other=receiver,
            kind=kind,
            occurred_at=now,
            source=source,
        )


def _outcome_when_done(commitment: Commitment) -> Outcome:
    delivered = commitment.delivered_at
    assert delivered is not None
    if commitment.renegotiated_late or delivered > commitment.due_at:
        return Outcome.LATE
    if commitment.renegotiations:
        return Outcome.RENEGOTIATED_EARLY
    return Outcome.ON_TIME


def _due_words(commitment: Commitment, person: Person) -> str:
    return format_local(commitment.due_at, person.tz)


# --- reminders -----------------------------------------------------------------------------


def reminder_minutes_for(person: Person) -> list[int]:
    """The person's reminders before a due time, in minutes (at the due time: always)."""
    found = (
        CommitmentSettings.objects.filter(person=person)
        .values_list("reminder_minutes", flat=True)
        .first()
    )
    return list(found) if found is not None else default_reminder_minutes()


def _plan_reminders(commitment: Commitment, *, now: datetime) -> None:
    """Reminders for the promise's current due time; forgets unsent ones for any other.

    A reminder already sent for this (due time, offset) is kept and not planned again (the
    unique constraint), so going back to an earlier date never repeats a reminder.
    """
    CommitmentReminder.objects.filter(commitment=commitment, sent_at__isnull=True).delete()
    offsets = sorted({*reminder_minutes_for(commitment.promiser), 0}, reverse=True)
    rows = []
    for offset in offsets:
        fire_at = reminder_fire_at(commitment.due_at, offset)
        if fire_at <= now and offset:
            continue  # too late for this one: the promise was made closer to its due time
        rows.append(
            CommitmentReminder(
                commitment=commitment,
                due_at=commitment.due_at,
                offset_minutes=offset,
                fire_at=fire_at,
            )
        )
    CommitmentReminder.objects.bulk_create(rows, ignore_conflicts=True)


def _drop_reminders(commitment: Commitment) -> None:
    CommitmentReminder.objects.filter(commitment=commitment, sent_at__isnull=True).delete()


def commitment_reminders_send(*, now: datetime | None = None) -> int:
    """Send every reminder whose time has come; safe to run twice or from two workers.

    One indexed query finds them (unsent, fire_at <= now). Each is claimed by a conditional
    update before it is sent, and the notification's dedupe key is the same for every run,
    so a reminder reaches its promiser once. Reminders that no longer apply (the promise was
    delivered, released, or moved to another date, or a "before" reminder whose due time
    has already passed because the worker was down) are marked skipped.
    """
    now = now or timezone.now()
    due = list(
        CommitmentReminder.objects.filter(sent_at__isnull=True, fire_at__lte=now)
        .select_related("commitment__promiser")
        .order_by("fire_at", "pk")[:REMINDER_BATCH]
    )
    sent = 0
    for reminder in due:
        with transaction.atomic():
            claimed = CommitmentReminder.objects.filter(
                pk=reminder.pk, sent_at__isnull=True
            ).update(sent_at=now)
            if not claimed:
                continue
            commitment = reminder.commitment
            current = (
                commitment.state == State.OPEN
                and commitment.due_at == reminder.due_at
                and (reminder.offset_minutes == 0 or now < reminder.due_at)
            )
            if not current:
                CommitmentReminder.objects.filter(pk=reminder.pk).update(skipped=True)
                continue
            promiser = commitment.promiser
            when = format_local(commitment.due_at, promiser.tz)
            if reminder.offset_minutes:
                title = f"Due in {describe_offset(reminder.offset_minutes)}: {_short(commitment)}"
                body = (
                    f"You promised this for {when}. If it won't happen by then, renegotiating "
                    "now keeps trust: pick a new date and say why."
                )
            else:
                title = f"Due now: {_short(commitment)}"
                body = (
                    f"This was due {when}. Mark it delivered, or renegotiate a new date "
                    "with a short message."
                )
            notify(
                recipient=promiser,
                type=NotificationType.COMMITMENT_REMINDER,
                title=title,
                body=body,
                url=_url(commitment),
                dedupe_key=reminder.dedupe_key,
                now=now,
            )
            sent += 1
    return sent


# --- making and asking ---------------------------------------------------------------------


def commitment_promise(
    *,
    promiser: Person,
    receiver_ids: Iterable[int],
    text: str,
    due_at: datetime,
    now: datetime | None = None,
) -> Commitment:
    """A promise made: "I'll do `text` for these people by `due_at`". Open at once, with
    reminders planned."""
    now = now or timezone.now()
    with _collected_errors() as errors:
        with errors.field():
            text = _clean_text(text, field="text", what="Say what you will do.")
        with errors.field():
            _check_due(due_at, now=now)
        with errors.field():
            receivers = _colleagues(
                viewer=promiser, ids=receiver_ids, field="receiver_ids", what="you promise this to"
            )
    with transaction.atomic():
        commitment = Commitment(
            organization_id=promiser.organization_id,
            promiser=promiser,
            text=text,
            state=State.OPEN,
            due_at=due_at,
            original_due_at=due_at,
            created_at=now,
            updated_at=now,
        )
        commitment.full_clean(exclude=["organization", "promiser", "asked_by"])
        commitment.save()
        CommitmentReceiver.objects.bulk_create(
            [CommitmentReceiver(commitment=commitment, person=r) for r in receivers]
        )
        event = _event(commitment, EventKind.PROMISED, actor=promiser, now=now, new_due_at=due_at)
        _plan_reminders(commitment, now=now)
        for receiver in receivers:
            _tell(
                [receiver],
                title=f"{promiser.display_name} promised you: {_short(commitment)}",
                body=f"By {_due_words(commitment, receiver)}.",
                commitment=commitment,
                event=event,
                now=now,
            )
    return commitment


def commitment_ask(
    *,
    asker: Person,
    promiser_id: int,
    text: str,
    due_at: datetime,
    now: datetime | None = None,
) -> Commitment:
    """A promise asked for: "could you do `text` for me by `due_at`?". It waits for the
    promiser to accept or decline."""
    now = now or timezone.now()
    with _collected_errors() as errors:
        with errors.field():
            text = _clean_text(text, field="text", what="Say what you are asking for.")
        with errors.field():
            _check_due(due_at, now=now)
        with errors.field():
            promiser = _colleagues(
                viewer=asker, ids=[promiser_id], field="promiser_id", what="you are asking"
            )[0]
    with transaction.atomic():
        commitment = Commitment(
            organization_id=asker.organization_id,
            promiser=promiser,
            asked_by=asker,
            text=text,
            state=State.ASKED,
            due_at=due_at,
            original_due_at=due_at,
            created_at=now,
            updated_at=now,
        )
        commitment.full_clean(exclude=["organization", "promiser", "asked_by"])
        commitment.save()
        CommitmentReceiver.objects.create(commitment=commitment, person=asker)
        event = _event(commitment, EventKind.ASKED, actor=asker, now=now, new_due_at=due_at)
        _tell(
            [promiser],
            title=f"{asker.display_name} asked you: {_short(commitment)}",
            body=f"By {_due_words(commitment, promiser)}. Accept it, or decline with a short note.",
            commitment=commitment,
            event=event,
            now=now,
        )
    return commitment


# --- the promiser's moves ------------------------------------------------------------------


def commitment_accept(
    *,
    commitment: Commitment,
    person: Person,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> Commitment:
    """Accept what was asked, by the date asked or (`due_at`) by another one."""
    now = now or timezone.now()
    with transaction.atomic():
        commitment = _locked(commitment)
        target = transition(Action.ACCEPT, state=commitment.state, side=_side(commitment, person))
        if due_at is None and commitment.due_at <= now:
            raise ValidationError(
                {"due_at": "The date asked for has passed: accept with a new due time."},
                code="in_the_past",
            )
        old_due = commitment.due_at
        if due_at is not None:
            commitment.due_at = _check_due(due_at, now=now)
        commitment.state = target
        _save(commitment, now, "state", "due_at")
        event = _event(
            commitment,
            EventKind.ACCEPTED,
            actor=person,
            now=now,
            old_due_at=old_due,
            new_due_at=commitment.due_at,
        )
        _plan_reminders(commitment, now=now)
        receivers = _receivers(commitment)
        for receiver in receivers:
            changed = "" if commitment.due_at == old_due else " (a different date than asked)"
            _tell(
                [receiver],
                title=f"{person.display_name} accepted: {_short(commitment)}",
                body=f"By {_due_words(commitment, receiver)}{changed}.",
                commitment=commitment,
                event=event,
                now=now,
            )
    return commitment


def commitment_decline(
    *, commitment: Commitment, person: Person, note: str, now: datetime | None = None
) -> Commitment:
    now = now or timezone.now()
    note = _clean_text(note, field="note", what="Add a short note, so they know why.")
    with transaction.atomic():
        commitment = _locked(commitment)
        commitment.state = transition(
            Action.DECLINE, state=commitment.state, side=_side(commitment, person)
        )
        _save(commitment, now, "state")
        event = _event(commitment, EventKind.DECLINED, actor=person, now=now, note=note)
        _tell(
            _receivers(commitment),
            title=f"{person.display_name} can't take this on: {_short(commitment)}",
            body=note,
            commitment=commitment,
            event=event,
            now=now,
        )
    return commitment


def commitment_renegotiate(
    *,
    commitment: Commitment,
    person: Person,
    due_at: datetime,
    message: str,
    now: datetime | None = None,
) -> Commitment:
    """A new due time and a short message; before the old due time it keeps trust."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    try:
        message = _clean_text(
            message, field="message", what="Add a short message saying why the date moves."
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        _check_due(due_at, now=now)
    except ValidationError as error:
        errors.update(error.message_dict)
    with transaction.atomic():
        commitment = _locked(commitment)
        # The promise's own state is the first thing to get right; then the input.
        target = transition(
            Action.RENEGOTIATE, state=commitment.state, side=_side(commitment, person)
        )
        if not errors and due_at == commitment.due_at:
            errors["due_at"] = ["That is the date it already has: choose a different one."]
        if errors:
            raise ValidationError(errors)
        early = commitment.state == State.OPEN and now < commitment.due_at
        old_due = commitment.due_at
        commitment.state = target
        commitment.due_at = due_at
        commitment.renegotiations += 1
        if not early:
            commitment.renegotiated_late = True
        commitment.outcome, commitment.settled_at = "", None  # no longer missed, for now
        _save(
            commitment,
            now,
            "state",
            "due_at",
            "renegotiations",
            "renegotiated_late",
            "outcome",
            "settled_at",
        )
        event = _event(
            commitment,
            EventKind.RENEGOTIATED,
            actor=person,
            now=now,
            note=message,
            old_due_at=old_due,
            new_due_at=due_at,
            early=early,
        )
        _plan_reminders(commitment, now=now)
        receivers = _receivers(commitment)
        if early:
            _ledger(
                commitment,
                Kind.COMMITMENT_RENEGOTIATED,
                receivers=receivers,
                now=now,
                source=event,
            )
        for receiver in receivers:
            _tell(
                [receiver],
                title=f"{person.display_name} moved the date: {_short(commitment)}",
                body=f"Now by {_due_words(commitment, receiver)}. “{message}”",
                commitment=commitment,
                event=event,
                now=now,
            )
    return commitment


def commitment_deliver(
    *, commitment: Commitment, person: Person, note: str = "", now: datetime | None = None
) -> Commitment:
    """The promiser says it's done; the receivers confirm, or it counts after three days."""
    now = now or timezone.now()
    note = _clean_text(note, field="note", what="", required=False)
    with transaction.atomic():
        commitment = _locked(commitment)
        commitment.state = transition(
            Action.DELIVER, state=commitment.state, side=_side(commitment, person)
        )
        commitment.delivered_at = now
        commitment.outcome, commitment.settled_at = "", None
        _save(commitment, now, "state", "delivered_at", "outcome", "settled_at")
        event = _event(commitment, EventKind.DELIVERED, actor=person, now=now, note=note)
        _drop_reminders(commitment)
        _tell(
            _receivers(commitment),
            title=f"{person.display_name} delivered: {_short(commitment)}",
            body=(note + " " if note else "")
            + "Confirm it's done, or say what's missing. With no answer it counts as done "
            "in three days.",
            commitment=commitment,
            event=event,
            now=now,
        )
    return commitment


# --- the receivers' moves ------------------------------------------------------------------


def _settle_done(
    commitment: Commitment, *, event: CommitmentEvent, now: datetime, receivers: list[Person]
) -> None:
    if commitment.delivered_at is None:
        commitment.delivered_at = now
    commitment.outcome = _outcome_when_done(commitment)
    commitment.settled_at = now
    _save(commitment, now, "state", "delivered_at", "outcome", "settled_at")
    _drop_reminders(commitment)
    kept = commitment.outcome in (Outcome.ON_TIME, Outcome.RENEGOTIATED_EARLY)
    kind = Kind.COMMITMENT_KEPT if kept else Kind.COMMITMENT_LATE
    # Source: the promise itself, so it is kept (or late) once per receiver, however it
    # came to be done.
    _ledger(commitment, kind, receivers=receivers, now=now, source=commitment)


def commitment_confirm(
    *, commitment: Commitment, person: Person, now: datetime | None = None
) -> Commitment:
    now = now or timezone.now()
    with transaction.atomic():
        commitment = _locked(commitment)
        commitment.state = transition(
            Action.CONFIRM, state=commitment.state, side=_side(commitment, person)
        )
        event = _event(commitment, EventKind.CONFIRMED, actor=person, now=now)
        _settle_done(commitment, event=event, now=now, receivers=_receivers(commitment))
        _tell(
            [commitment.promiser],
            title=f"{person.display_name} confirmed it's done: {_short(commitment)}",
            body=f"{Outcome(commitment.outcome).label}. Thank you for following through.",
            commitment=commitment,
            event=event,
            now=now,
        )
    return commitment


def commitment_object(
    *, commitment: Commitment, person: Person, note: str, now: datetime | None = None
) -> Commitment:
    """A receiver says a delivery isn't done yet: the promise is open again."""
    now = now or timezone.now()
    note = _clean_text(note, field="note", what="Say in a few words what is still missing.")
    with transaction.atomic():
        commitment = _locked(commitment)
        commitment.state = transition(
            Action.OBJECT, state=commitment.state, side=_side(commitment, person)
        )
        commitment.delivered_at = None
        _save(commitment, now, "state", "delivered_at")
        event = _event(commitment, EventKind.OBJECTED, actor=person, now=now, note=note)
        if commitment.due_at > now:
            _plan_reminders(commitment, now=now)
        _tell(
            [commitment.promiser],
            title=f"{person.display_name} says it isn't done yet: {_short(commitment)}",
            body=note,
            commitment=commitment,
            event=event,
            now=now,
        )
    return commitment


def commitment_release(
    *, commitment: Commitment, person: Person, note: str = "", now: datetime | None = None
) -> Commitment:
    """A receiver lets the promiser off. A promise already missed stays missed in the
    record: letting someone off is kind, not a rewrite of what happened."""
    now = now or timezone.now()
    note = _clean_text(note, field="note", what="", required=False)
    with transaction.atomic():
        commitment = _locked(commitment)
        commitment.state = transition(
            Action.RELEASE, state=commitment.state, side=_side(commitment, person)
        )
        _save(commitment, now, "state")
        event = _event(commitment, EventKind.RELEASED, actor=person, now=now, note=note)
        _drop_reminders(commitment)
        _tell(
            [commitment.promiser],
            title=f"{person.display_name} let you off: {_short(commitment)}",
            body=note or "No need to do this any more.",
            commitment=commitment,
            event=event,
            now=now,
        )
    return commitment


# --- what Rapport does by itself -----------------------------------------------------------


def commitments_mark_missed(*, now: datetime | None = None) -> int:
    """Open promises whose due time has passed with no update become missed."""
    now = now or timezone.now()
    ids = list(
        Commitment.objects.filter(state=State.OPEN, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    marked = 0
    for pk in ids:
        with transaction.atomic():
            commitment = (
                Commitment.objects.select_for_update()
                .select_related("promiser")
                .filter(pk=pk, state=State.OPEN, due_at__lte=now)
                .first()
            )
            if commitment is None:
                continue  # delivered or renegotiated a moment ago
            commitment.state = transition(Action.MISS, state=commitment.state, side=Side.SYSTEM)
            commitment.outcome, commitment.settled_at = Outcome.MISSED, now
            _save(commitment, now, "state", "outcome", "settled_at")
            event = _event(commitment, EventKind.MISSED, actor=None, now=now)
            _drop_reminders(commitment)
            receivers = _receivers(commitment)
            _ledger(
                commitment, Kind.COMMITMENT_MISSED, receivers=receivers, now=now, source=commitment
            )
            promiser = commitment.promiser
            _tell(
                receivers,
                title=f"Past its due time: {_short(commitment)}",
                body=f"{promiser.display_name} hasn't marked this delivered or moved the date.",
                commitment=commitment,
                event=event,
                now=now,
            )
            # The promiser hears once: this shares its key with the at-due-time reminder.
            notify(
                recipient=promiser,
                type=NotificationType.COMMITMENT_REMINDER,
                title=f"Due now: {_short(commitment)}",
                body=(
                    f"This was due {format_local(commitment.due_at, promiser.tz)}. Mark it "
                    "delivered, or renegotiate a new date with a short message."
                ),
                url=_url(commitment),
                dedupe_key=reminder_dedupe_key(commitment.pk, commitment.due_at, 0),
                now=now,
            )
            marked += 1
    return marked


def commitments_auto_confirm(*, now: datetime | None = None) -> int:
    """Deliveries nobody objected to for three days count as done."""
    now = now or timezone.now()
    ids = list(
        Commitment.objects.filter(state=State.DELIVERED, delivered_at__lte=now - AUTO_CONFIRM_AFTER)
        .order_by("delivered_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    confirmed = 0
    for pk in ids:
        with transaction.atomic():
            commitment = (
                Commitment.objects.select_for_update()
                .select_related("promiser")
                .filter(pk=pk, state=State.DELIVERED, delivered_at__lte=now - AUTO_CONFIRM_AFTER)
                .first()
            )
            if commitment is None:
                continue
            commitment.state = transition(
                Action.AUTO_CONFIRM, state=commitment.state, side=Side.SYSTEM
            )
            event = _event(commitment, EventKind.AUTO_CONFIRMED, actor=None, now=now)
            _settle_done(commitment, event=event, now=now, receivers=_receivers(commitment))
            _tell(
                [commitment.promiser],
                title=f"Counted as done: {_short(commitment)}",
                body="Nobody said anything was missing in three days.",
                commitment=commitment,
                event=event,
                now=now,
            )
            confirmed += 1
    return confirmed


# --- settings ------------------------------------------------------------------------------


def commitment_settings_update(
    *, person: Person, reminder_minutes: Iterable[int], share_record: bool
) -> CommitmentSettings:
    """Save the person's reminders and sharing choice; re-plan reminders of open promises."""
    minutes = sorted({int(m) for m in reminder_minutes}, reverse=True)
    if any(m <= 0 or m > MAX_REMINDER_MINUTES for m in minutes):
        raise ValidationError(
            {"reminder_minutes": "Reminders come between a minute and two weeks ahead."},
            code="out_of_range",
        )
    if len(minutes) > MAX_REMINDERS:
        raise ValidationError(
            {"reminder_minutes": f"At most {MAX_REMINDERS} reminders before a due time."},
            code="too_many",
        )
    now = timezone.now()
    with transaction.atomic():
        settings, _ = CommitmentSettings.objects.select_for_update().get_or_create(person=person)
        settings.reminder_minutes = minutes
        settings.share_record = share_record
        settings.full_clean(exclude=["person"])
        settings.save()
        open_ones = Commitment.objects.filter(promiser=person, state=State.OPEN, due_at__gt=now)
        for commitment in open_ones.select_related("promiser").iterator(chunk_size=200):
            _plan_reminders(commitment, now=now)
    return settings
