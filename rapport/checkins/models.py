"""Check-ins and check-on messages.

A `CheckIn` is one person's answer, for one of their own local days, to "how are you really
doing today?": a mood on a five-point scale, an optional note (encrypted at rest) and who may
see it. The day is the person's calendar date in their own time zone when they checked in,
stored as a date, so "one per day" never depends on UTC offsets or DST.

A `CheckOn` is the "ask, don't assume" message one person sends another; `CheckOnReply` rows
are the private thread between the two of them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from rapport.lib.encryption import EncryptedTextField
from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Organization, Person

NOTE_MAX_LENGTH = 2000
MESSAGE_MAX_LENGTH = 1000


class Mood(models.IntegerChoices):
    ROUGH = 1, "Rough"
    LOW = 2, "Low"
    OKAY = 3, "Okay"
    GOOD = 4, "Good"
    GREAT = 5, "Great"


#: The bottom two levels: what the caring message counts.
LOW_MOODS = frozenset({Mood.ROUGH, Mood.LOW})


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    TEAM_MOOD = "team_mood", "My teams see my mood"
    TEAM_NOTE = "team_note", "My teams see my mood and note"


SHARED_WITH_TEAM = (Visibility.TEAM_MOOD, Visibility.TEAM_NOTE)


class CheckInQuerySet(TenantQuerySet["CheckIn"]):
    def visible_to(self, viewer: Person) -> CheckInQuerySet:
        """Your own check-ins, and those teammates shared with a team you are in."""
        my_teams = viewer.memberships.values("team_id")
        shared = Q(visibility__in=SHARED_WITH_TEAM, person__memberships__team__in=my_teams)
        return (
            self.in_organization(viewer.organization).filter(Q(person=viewer) | shared).distinct()
        )


class CheckIn(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField(help_text="The person's own calendar date when they checked in.")
    mood = models.PositiveSmallIntegerField(choices=Mood.choices)
    # Encrypted: what is really going on is nobody's business but the person's (and, if they
    # choose, their team's). An empty note is encrypted too, so the column tells nothing.
    note = EncryptedTextField(blank=True, default="")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint("person", "day", name="checkins_one_per_local_day"),
            models.CheckConstraint(
                condition=Q(mood__gte=1, mood__lte=5), name="checkins_mood_in_scale"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="checkins_visibility_known"
            ),
        ]
        indexes = [
            # Team views and weekly figures: a team's people over a range of days.
            models.Index(fields=["organization", "day"], name="checkins_org_day"),
        ]

    def __str__(self) -> str:
        return f"Check-in of {self.person_id} on {self.day}"

    @property
    def is_low(self) -> bool:
        return self.mood in LOW_MOODS

    @property
    def team_note(self) -> str | None:
        """The note as a teammate may see it: only when shared with the team."""
        return self.note if self.visibility == Visibility.TEAM_NOTE and self.note else None


class CheckOnQuerySet(TenantQuerySet["CheckOn"]):
    def visible_to(self, viewer: Person) -> CheckOnQuerySet:
        """A message and its thread belong to the two people in it, nobody else."""
        return self.in_organization(viewer.organization).filter(
            Q(sender=viewer) | Q(recipient=viewer)
        )


class CheckOn(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="check_ons_sent")
    recipient = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="check_ons_received"
    )
    message = EncryptedTextField()
    created_at = models.DateTimeField()
    #: the time of the newest message in the thread (the first one or a reply): list order
    last_activity_at = models.DateTimeField()

    objects = CheckOnQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")), name="checkins_check_on_two_people"
            ),
        ]
        indexes = [
            models.Index(fields=["sender", "-last_activity_at"], name="checkins_check_on_sent"),
            models.Index(
                fields=["recipient", "-last_activity_at"], name="checkins_check_on_received"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-on from {self.sender_id} to {self.recipient_id}"

    def other_than(self, person: Person) -> Person:
        return self.recipient if person.pk == self.sender_id else self.sender


class CheckOnReply(models.Model):
    check_on = models.ForeignKey(CheckOn, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    message = EncryptedTextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["check_on", "created_at"], name="checkins_reply_thread")]

    def __str__(self) -> str:
        return f"Reply by {self.author_id} in {self.check_on_id}"
