"""Commitments: "I'll do X for you by D", the promise's history, its reminders, and what
each person chose about reminders and sharing their follow-through record.

The states a promise can be in, and which moves between them are allowed, live in
`states.py`; the database refuses any other state value (CheckConstraint), and services move
a promise only through `states.transition`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet

from .states import ACTIVE_STATES, EventKind, Outcome, State

if TYPE_CHECKING:
    from rapport.people.models import Person

#: What a promise, a renegotiation message or a decline note may hold.
TEXT_MAX = 280
#: Default reminders before the due time, in minutes (a reminder at the due time is always
#: sent too): 24 hours and 2 hours.
DEFAULT_REMINDER_MINUTES = (24 * 60, 2 * 60)


class CommitmentQuerySet(TenantQuerySet["Commitment"]):
    def visible_to(self, viewer: Person) -> Self:
        """A promise is seen by the two sides of it only: the promiser and its receivers."""
        receiving = CommitmentReceiver.objects.filter(commitment=OuterRef("pk"), person=viewer)
        return self.in_organization(viewer.organization).filter(
            Q(promiser=viewer) | Q(Exists(receiving))
        )

    def active(self) -> Self:
        return self.filter(state__in=ACTIVE_STATES)

    def closed(self) -> Self:
        return self.exclude(state__in=ACTIVE_STATES)


class Commitment(models.Model):
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.CASCADE, related_name="commitments"
    )
    promiser = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="commitments_made"
    )
    receivers: models.ManyToManyField[Person, CommitmentReceiver] = models.ManyToManyField(
        "people.Person", through="CommitmentReceiver", related_name="commitments_received"
    )
    asked_by = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments_asked",
        help_text="Who asked for it; empty when the promiser offered it.",
    )
    text = models.CharField("what", max_length=TEXT_MAX)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    due_at = models.DateTimeField(help_text="When it is due now (after any renegotiation).")
    original_due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(
        null=True, blank=True, help_text="When its outcome was decided (done or missed)."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    renegotiations = models.PositiveSmallIntegerField(default=0)
    renegotiated_late = models.BooleanField(
        default=False, help_text="Renegotiated after the due time had passed."
    )

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="commitments_commitment_state"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", *Outcome.values]),
                name="commitments_commitment_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(asked_by=F("promiser")), name="commitments_commitment_not_self_ask"
            ),
            models.CheckConstraint(
                condition=~Q(state=State.DELIVERED) | Q(delivered_at__isnull=False),
                name="commitments_commitment_delivered_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[State.DONE, State.MISSED]) | ~Q(outcome=""),
                name="commitments_commitment_settled_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["promiser", "state", "due_at"], name="commitments_by_promiser"),
            # The sweeps: open promises past due, deliveries waiting for confirmation.
            models.Index(fields=["state", "due_at"], name="commitments_state_due"),
            models.Index(fields=["state", "delivered_at"], name="commitments_state_delivered"),
            models.Index(fields=["promiser", "settled_at"], name="commitments_record"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.state in (State.OPEN, State.MISSED) and self.due_at <= (now or timezone.now())

    def clean(self) -> None:
        text = (self.text or "").strip()
        if not text:
            raise ValidationError({"text": "Say what you will do, in a few words."})


class CommitmentReceiver(models.Model):
    """One person a promise is made to (or who asked for it)."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="receiver_links"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="commitment_receipts"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint("commitment", "person", name="commitments_receiver_unique"),
        ]
        indexes = [
            models.Index(fields=["person", "commitment"], name="commitments_receiver_person"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} to {self.person_id}"


class CommitmentEventQuerySet(TenantQuerySet["CommitmentEvent"]):
    organization_path = "commitment__organization"

    def visible_to(self, viewer: Person) -> Self:
        return self.filter(commitment__in=Commitment.objects.visible_to(viewer))


class CommitmentEvent(models.Model):
    """One thing that happened to a promise: its history, and the ledger's source."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when Rapport did it (missed, confirmed after three days).",
    )
    note = models.CharField(max_length=TEXT_MAX, blank=True)
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)
    early = models.BooleanField(
        null=True, blank=True, help_text="A renegotiation: made before the due time?"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommitmentEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="commitments_event_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.commitment_id}"


class ReminderQuerySet(TenantQuerySet["CommitmentReminder"]):
    organization_path = "commitment__organization"

    def visible_to(self, viewer: Person) -> Self:
        return self.filter(commitment__promiser=viewer)


class CommitmentReminder(models.Model):
    """A reminder to the promiser, `offset_minutes` before the due time it was planned for.

    One row per (promise, due time, offset): a renegotiation plans new rows for the new due
    time, and the unique constraint plus the notification's dedupe key make sure the same
    reminder is never sent twice.
    """

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reminders")
    due_at = models.DateTimeField(help_text="The due time this reminder is about.")
    offset_minutes = models.PositiveIntegerField(help_text="0: at the due time.")
    fire_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False, help_text="Not sent: no longer relevant.")

    objects = ReminderQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "commitment", "due_at", "offset_minutes", name="commitments_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(fire_at__lte=F("due_at")), name="commitments_reminder_before_due"
            ),
        ]
        indexes = [
            # The reminder task's one query: unsent reminders whose time has come.
            models.Index(
                fields=["fire_at"], condition=Q(sent_at__isnull=True), name="commitments_rem_due"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.offset_minutes} min before {self.due_at} for {self.commitment_id}"

    @property
    def dedupe_key(self) -> str:
        return reminder_dedupe_key(self.commitment_id, self.due_at, self.offset_minutes)


def reminder_dedupe_key(commitment_id: int, due_at: datetime, offset_minutes: int) -> str:
    """The notification's key: one per promise, due time and offset, whoever sends it."""
    stamp = due_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"commitment_reminder:{commitment_id}:{stamp}:{offset_minutes}"


def default_reminder_minutes() -> list[int]:
    return list(DEFAULT_REMINDER_MINUTES)


class CommitmentSettingsQuerySet(TenantQuerySet["CommitmentSettings"]):
    organization_path = "person__organization"

    def visible_to(self, viewer: Person) -> Self:
        return self.filter(person=viewer)


class CommitmentSettings(models.Model):
    """A person's choices about their promises; no row means the defaults."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="commitment_settings"
    )
    reminder_minutes = models.JSONField(
        default=default_reminder_minutes,
        blank=True,
        help_text="Reminders before the due time, in minutes; one at the due time always.",
    )
    share_record = models.BooleanField(
        "show my record to my team",
        default=False,
        help_text="Teammates can see your follow-through record of the last 90 days.",
    )

    objects = CommitmentSettingsQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "commitment settings"

    def __str__(self) -> str:
        return f"Commitment settings of {self.person_id}"
