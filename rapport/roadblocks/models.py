"""Roadblocks: a private note about a tension, the conversation it prepares, and its outcome.

A `Roadblock` belongs to its author alone. Not the other person, not a team lead, not the
people team: `visible_to` answers only the author's own rows, so every lookup through
`get_for` is a 404 for anyone else. All of its text is encrypted at rest.

A `TalkInvitation` is the one thing that may leave the author's view: the words the author
chose to send to the other person. The recipient reaches it without ever reaching the
roadblock behind it (the invitation carries its own copy of the text).
"""

from __future__ import annotations

from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.lib.encryption import EncryptedTextField
from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Organization, Person

#: Reminders come after this many days unless the author picks another number.
DEFAULT_REMIND_AFTER_DAYS = 3
MIN_REMIND_AFTER_DAYS = 1
MAX_REMIND_AFTER_DAYS = 14

#: Limits on what a person types (characters).
MAX_SITUATION = 200
MAX_FIELD = 2000
MAX_OPENER = 2000
MAX_INVITATION = 2000
MAX_RESPONSE_NOTE = 500


class Outcome(models.TextChoices):
    TALKED_RESOLVED = "talked_resolved", "We talked and it's resolved"
    TALKED_ONGOING = "talked_ongoing", "We talked; still working on it"
    LET_GO = "let_go", "I decided to let it go"
    NEED_HELP = "need_help", "I need help with this"

    @property
    def talked(self) -> bool:
        return self in (Outcome.TALKED_RESOLVED, Outcome.TALKED_ONGOING)


TALKED_OUTCOMES = (Outcome.TALKED_RESOLVED.value, Outcome.TALKED_ONGOING.value)


class RoadblockQuerySet(TenantQuerySet["Roadblock"]):
    def visible_to(self, viewer: Person) -> Self:
        """A roadblock is its author's alone, whatever anyone's role."""
        return self.in_organization(viewer.organization).filter(author=viewer)

    def open(self) -> Self:
        return self.filter(outcome="")


class Roadblock(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roadblocks")
    # Who the tension is with; empty when it is about a situation instead.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    situation = EncryptedTextField(blank=True, help_text="What it is about, when not a person.")
    what_happened = EncryptedTextField(help_text="The facts, as a camera would have seen them.")
    how_i_felt = EncryptedTextField()
    what_i_need = EncryptedTextField()
    what_i_will_ask = EncryptedTextField()
    opener = EncryptedTextField(blank=True, help_text="How the author will open the talk.")
    remind_after_days = models.PositiveSmallIntegerField(
        default=DEFAULT_REMIND_AFTER_DAYS,
        validators=[
            MinValueValidator(MIN_REMIND_AFTER_DAYS),
            MaxValueValidator(MAX_REMIND_AFTER_DAYS),
        ],
    )
    next_reminder_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty once an outcome is recorded."
    )
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = RoadblockQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remind_after_days__gte=MIN_REMIND_AFTER_DAYS)
                & Q(remind_after_days__lte=MAX_REMIND_AFTER_DAYS),
                name="roadblocks_remind_after_days_range",
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("author")), name="roadblocks_not_with_oneself"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_at__isnull=False),
                name="roadblocks_outcome_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at", "-id"], name="roadblocks_mine"),
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(next_reminder_at__isnull=False),
                name="roadblocks_reminder_due",
            ),
        ]

    def __str__(self) -> str:
        # Never the text: a str() can end up in logs.
        return f"Roadblock {self.pk}"

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @property
    def about(self) -> str:
        """Who or what it is about, for the author's own pages."""
        if self.person_id is not None and self.person is not None:
            return self.person.display_name
        return self.situation

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.person_id is None and not (self.situation or "").strip():
            errors["situation"] = "Say who this is with, or describe the situation in a few words."
        if self.person_id is not None and self.person_id == self.author_id:
            errors["person"] = "A roadblock is about someone else, or a situation."
        if errors:
            raise ValidationError(errors)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    PROPOSED = "proposed", "Proposed a time"
    DECLINED = "declined", "Declined"


class TalkInvitationQuerySet(TenantQuerySet["TalkInvitation"]):
    def visible_to(self, viewer: Person) -> Self:
        """An invitation is its recipient's to see and answer (the sender sees it on the
        roadblock it came from)."""
        return self.in_organization(viewer.organization).filter(recipient=viewer)


class TalkInvitation(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    roadblock = models.OneToOneField(Roadblock, on_delete=models.CASCADE, related_name="invitation")
    sender = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="talk_invitations")
    # The only words of the roadblock the recipient ever sees: the ones the author sent.
    message = EncryptedTextField()
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    proposed_time = models.DateTimeField(null=True, blank=True)
    response_note = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    objects = TalkInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")), name="roadblocks_invite_someone_else"
            ),
            models.CheckConstraint(
                condition=~Q(status=InvitationStatus.PROPOSED) | Q(proposed_time__isnull=False),
                name="roadblocks_proposal_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="roadblocks_received"),
        ]

    def __str__(self) -> str:
        return f"Invitation to talk {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING
