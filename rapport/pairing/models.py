"""Pairing programs, their rounds and groups, people's choices, and buddies.

A Program says who is in the pool and how groups are made; a Round is one announcement of
groups on a local date; a Group's members answer "did you meet?". A person's own choices
(joining, leaving, snoozing, the private "please don't pair me with" list) live in
Participation and DontPair, which only they can see. Buddies are a separate, gentler
kind of pairing for new joiners and people returning from leave.
"""

from __future__ import annotations

import zoneinfo
from datetime import date
from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Organization, Person, Team, validate_time_zone

MIN_GROUP_SIZE = 2
MAX_GROUP_SIZE = 4
MAX_LOCATIONS = 20


class Kind(models.TextChoices):
    COFFEE = "coffee", "Virtual coffee"
    LUNCH = "lunch", "In-person lunch"


class PoolKind(models.TextChoices):
    ORGANIZATION = "organization", "Everyone in the organisation"
    TEAMS = "teams", "People in chosen teams"
    LOCATIONS = "locations", "People in chosen locations"
    OPT_IN = "opt_in", "People who opt in"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Every month"


class TeamMode(models.TextChoices):
    CROSS = "cross", "Across teams"
    WITHIN = "within", "Within a team"
    ANY = "any", "Any mix"


class Weekday(models.IntegerChoices):
    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"
    SUNDAY = 7, "Sunday"


class ProgramQuerySet(TenantQuerySet["Program"]):
    def active(self) -> Self:
        return self.filter(paused=False)


class Program(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="pairing_programs"
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.COFFEE)
    pool = models.CharField(max_length=16, choices=PoolKind.choices, default=PoolKind.ORGANIZATION)
    teams = models.ManyToManyField(Team, blank=True, related_name="pairing_programs")
    locations = models.JSONField(default=list, blank=True)
    group_size = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(MIN_GROUP_SIZE), MaxValueValidator(MAX_GROUP_SIZE)],
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    announce_weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY
    )
    announce_hour = models.PositiveSmallIntegerField(default=10, validators=[MaxValueValidator(23)])
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    team_mode = models.CharField(max_length=8, choices=TeamMode.choices, default=TeamMode.CROSS)
    avoid_managers = models.BooleanField(
        default=True, help_text="Never put a manager in a group with their direct report."
    )
    paused = models.BooleanField(default=False)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The engine's plan of the next rounds for a small pool, with the fingerprint of the
    # pool and rules it was made for: a changed pool is re-planned from history.
    plan = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group_size__gte=MIN_GROUP_SIZE, group_size__lte=MAX_GROUP_SIZE),
                name="pairing_program_group_size_2_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(announce_hour__lte=23), name="pairing_program_hour_of_day"
            ),
            models.CheckConstraint(
                condition=models.Q(announce_weekday__gte=1, announce_weekday__lte=7),
                name="pairing_program_iso_weekday",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.name.strip():
            errors["name"] = "Give the programme a name."
        if not MIN_GROUP_SIZE <= (self.group_size or 0) <= MAX_GROUP_SIZE:
            errors["group_size"] = "Groups have 2, 3 or 4 people."
        locations = self.locations if isinstance(self.locations, list) else None
        if locations is None or any(not isinstance(x, str) or not x.strip() for x in locations):
            errors["locations"] = "Locations are a list of place names."
        elif len(locations) > MAX_LOCATIONS:
            errors["locations"] = f"Choose at most {MAX_LOCATIONS} locations."
        elif self.pool == PoolKind.LOCATIONS and not locations:
            errors["locations"] = "Choose at least one location for a pool of locations."
        if errors:
            raise ValidationError(errors)


class ParticipationQuerySet(TenantQuerySet["Participation"]):
    organization_path = "program__organization"

    def visible_to(self, viewer: Person) -> Self:
        # A person's choices are theirs alone: not even an admin sees who snoozed.
        return super().visible_to(viewer).filter(person=viewer)


class Participation(models.Model):
    """One person's choices about one programme (a row exists once they chose something)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    opted_in = models.BooleanField(
        default=True, help_text="False: left the programme. Opt-in pools need True to join."
    )
    snoozed_until = models.DateField(null=True, blank=True)
    ignored_rounds = models.PositiveSmallIntegerField(default=0)
    needs_opt_back_in = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint("program", "person", name="pairing_participation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.program_id}"

    def is_snoozed(self, on: date) -> bool:
        return self.snoozed_until is not None and self.snoozed_until >= on


class DontPairQuerySet(TenantQuerySet["DontPair"]):
    organization_path = "person__organization"

    def visible_to(self, viewer: Person) -> Self:
        return super().visible_to(viewer).filter(person=viewer)


class DontPair(models.Model):
    """ "Please don't pair me with…": private to `person`; the other never learns of it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = DontPairQuerySet.as_manager()

    class Meta:
        ordering = ["other__display_name", "id"]
        constraints = [
            models.UniqueConstraint("person", "other", name="pairing_dont_pair_unique"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("other")), name="pairing_dont_pair_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} avoids {self.other_id}"


class RoundQuerySet(TenantQuerySet["Round"]):
    organization_path = "program__organization"


class Round(models.Model):
    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "On schedule"
        MANUAL = "manual", "Started by hand"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rounds")
    held_on = models.DateField(help_text="The programme's local date of the announcement.")
    announced_at = models.DateTimeField(default=timezone.now)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    started_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(max_length=40, blank=True)
    unmatched_count = models.PositiveIntegerField(default=0)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next round replaced it: silence was counted."
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.UniqueConstraint("program", "held_on", name="pairing_round_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.program} on {self.held_on:%Y-%m-%d}"


class GroupQuerySet(TenantQuerySet["Group"]):
    organization_path = "round__program__organization"

    def visible_to(self, viewer: Person) -> Self:
        # Only the group's own members see who was in it and what they answered.
        return super().visible_to(viewer).filter(members__person=viewer)


class Group(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveIntegerField()
    # Suggested meeting times: UTC ISO datetimes, shown in each reader's own time zone.
    suggested_times = models.JSONField(default=list, blank=True)
    minutes = models.PositiveSmallIntegerField(default=30)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint("round", "number", name="pairing_group_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Group {self.number} of {self.round}"


class Answer(models.TextChoices):
    MET = "met", "We met"
    NOT_MET = "not_met", "We didn't manage it"


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=8, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Why this member was matched, as only they may see it (see services.reasons_for).
    introduction = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["group", "person__display_name", "person_id"]
        constraints = [
            models.UniqueConstraint("group", "person", name="pairing_group_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.group_id}"


class BuddyQuerySet(TenantQuerySet["Buddy"]):
    def visible_to(self, viewer: Person) -> Self:
        mine = super().visible_to(viewer)
        if viewer.is_org_admin:
            return mine
        return mine.filter(models.Q(newcomer=viewer) | models.Q(buddy=viewer))

    def active(self, on: date | None = None) -> Self:
        return self.filter(ends_on__gte=on or timezone.localdate(), ended_early_at__isnull=True)


class Buddy(models.Model):
    class Reason(models.TextChoices):
        NEW_JOINER = "new_joiner", "New joiner"
        RETURNING = "returning", "Returning from leave"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    newcomer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    buddy = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    started_on = models.DateField()
    ends_on = models.DateField()
    assigned_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_early_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = BuddyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "buddies"
        ordering = ["-started_on", "-id"]
        constraints = [
            # Idempotent assignment: one buddy per newcomer, reason and start.
            models.UniqueConstraint(
                "newcomer", "reason", "started_on", name="pairing_buddy_once_per_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(newcomer=models.F("buddy")), name="pairing_buddy_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("started_on")),
                name="pairing_buddy_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buddy_id} buddies {self.newcomer_id}"


class BuddyCheckIn(models.Model):
    """A scheduled nudge for both buddies: week 1, 2 and 4."""

    pairing = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="check_ins")
    week = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint("pairing", "week", name="pairing_buddy_check_in_once"),
        ]

    def __str__(self) -> str:
        return f"Week {self.week} check-in of {self.pairing_id}"
