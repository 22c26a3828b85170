"""Organisations, their (nested) teams and the people in them.

A Person is a User inside exactly one organisation: the one-to-one link to the user is what
makes "exactly one" true. Roles: `is_org_admin` on the person (the people team), `lead` on a
team membership (a team lead).
"""

from __future__ import annotations

import zoneinfo
from datetime import time
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet


@cache
def valid_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in valid_time_zones():
        raise ValidationError(
            "%(value)s is not a time zone we know; use a name like Europe/Berlin.",
            params={"value": value},
            code="bad_time_zone",
        )


def validate_working_days(value: str) -> None:
    if not value or any(c not in "1234567" for c in value) or len(set(value)) != len(value):
        raise ValidationError(
            "Working days are ISO weekday digits, Monday=1 to Sunday=7, e.g. 12345.",
            code="bad_working_days",
        )


class Organization(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    anonymity_threshold = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(3)],
        help_text="Aggregates about fewer distinct people than this are never shown.",
    )
    tie_half_life_days = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1.0)],
        help_text="How fast tie strength fades; empty means the site default (30 days).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymity_threshold__gte=3),
                name="people_org_anonymity_threshold_at_least_3",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def half_life_days(self) -> float:
        return self.tie_half_life_days or settings.RAPPORT_TIE_HALF_LIFE_DAYS


class TeamQuerySet(TenantQuerySet["Team"]):
    pass


class Team(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.CharField(max_length=300, blank=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", "parent", Lower("name"), name="people_team_unique_name_per_parent"
            ),
            models.UniqueConstraint(
                "organization",
                Lower("name"),
                condition=models.Q(parent__isnull=True),
                name="people_team_unique_top_level_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent is not None and self.parent.organization_id != self.organization_id:
            raise ValidationError({"parent": "A team's parent must be in the same organisation."})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "A team cannot be inside itself."})
            ancestor = ancestor.parent


class PersonQuerySet(TenantQuerySet["Person"]):
    def visible_to(self, viewer: Person) -> PersonQuerySet:
        # An erased person is gone: nothing of theirs is reachable by id any more.
        return super().visible_to(viewer).filter(erased_at__isnull=True)

    def current(self) -> PersonQuerySet:
        """People who have not left."""
        return self.exclude(status=Person.Status.LEFT)


class Person(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_LEAVE = "on_leave", "On leave"
        RETURNING = "returning", "Returning from leave"
        LEFT = "left", "Left"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    display_name = models.CharField(max_length=120)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    location = models.CharField(max_length=120, blank=True, help_text="Office or city.")
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    start_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    is_org_admin = models.BooleanField("org admin", default=False)
    title = models.CharField("job title", max_length=120, blank=True)
    work_start = models.TimeField(default=time(9, 0))
    work_end = models.TimeField(default=time(17, 30))
    working_days = models.CharField(
        max_length=7,
        default="12345",
        validators=[validate_working_days],
        help_text="ISO weekdays you work, Monday=1 to Sunday=7.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When an org admin erased this person's data."
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["display_name", "id"]
        indexes = [
            models.Index(fields=["organization", "display_name", "id"], name="people_person_dir"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("pk")), name="people_person_not_own_manager"
            ),
            models.CheckConstraint(
                condition=models.Q(work_start__lt=models.F("work_end")),
                name="people_person_work_hours_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.manager_id is not None and self.manager is not None:
            if self.manager.organization_id != self.organization_id:
                errors["manager"] = "A manager must be in the same organisation."
            elif self.pk is not None and _manages_indirectly(self.pk, self.manager):
                errors["manager"] = "That would make a management cycle."
        if self.work_start and self.work_end and self.work_start >= self.work_end:
            errors["work_end"] = "The working day must end after it starts."
        if errors:
            raise ValidationError(errors)


def _manages_indirectly(person_id: int, manager: Person | None) -> bool:
    seen: set[int] = set()
    while manager is not None and manager.pk not in seen:
        if manager.pk == person_id:
            return True
        seen.add(manager.pk)
        manager = manager.manager
    return False


class MembershipQuerySet(TenantQuerySet["Membership"]):
    organization_path = "team__organization"


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        LEAD = "lead", "Team lead"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint("person", "team", name="people_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.team} ({self.role})"

    def clean(self) -> None:
        if self.person.organization_id != self.team.organization_id:
            raise ValidationError("A person can only join teams of their own organisation.")
