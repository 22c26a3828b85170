"""The help board: how much room each person has this week, what people need a hand with,
and the offers that answer them.

- `Skill` is the organisation's shared vocabulary of free tags ("figma", "sql"): always
  lower case, one row per name, so people and requests point at the same tag and the forms
  can suggest what colleagues already use.
- `Capacity` is one person's signal (swamped / steady / have room this week) and skills.
  "Have room" is only true for the week it was said in: `available_until` is the end of the
  person's local week, after which the signal is shown as stale and stops counting.
- `HelpRequest` is open until it is done, closed by the requester, or its needed-by date
  has passed (the periodic close, see tasks.py). One asked from a challenge in the feed
  remembers it (`source_post`), so each can link to the other.
- `Offer` is one person's "I can help".
"""

from __future__ import annotations

from datetime import datetime
from typing import Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Membership, Organization, Person, Team

SKILL_MAX_LENGTH = 40
MAX_PERSON_SKILLS = 15
MAX_REQUEST_SKILLS = 5
TITLE_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 2000
OFFER_MAX_LENGTH = 280


class SkillQuerySet(TenantQuerySet["Skill"]):
    pass


class Skill(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=SKILL_MAX_LENGTH)

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("organization", "name", name="helpboard_skill_unique_per_org"),
            models.CheckConstraint(
                condition=Q(name=Lower("name")), name="helpboard_skill_lower_case"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CapacityStatus(models.TextChoices):
    SWAMPED = "swamped", "Swamped"
    STEADY = "steady", "Steady"
    AVAILABLE = "available", "Have capacity this week"


class CapacityQuerySet(TenantQuerySet["Capacity"]):
    def with_room(self, *, now: datetime | None = None) -> Self:
        """People whose "have capacity this week" still holds (their local week not over)."""
        return self.filter(
            status=CapacityStatus.AVAILABLE, available_until__gt=now or timezone.now()
        )


class Capacity(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="help_capacity")
    status = models.CharField(
        max_length=10, choices=CapacityStatus.choices, default=CapacityStatus.STEADY
    )
    available_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="End of the person's local week in which they said they have capacity.",
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="capacities")
    suggestions_off = models.BooleanField(
        default=False,
        help_text="Don't tell me when a teammate could use a hand.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CapacityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "capacities"
        indexes = [
            # "People with capacity": one organisation, fresh "available" signals, newest.
            models.Index(
                fields=["organization", "status", "-updated_at"],
                name="helpboard_capacity_board",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=CapacityStatus.AVAILABLE) | Q(available_until__isnull=False),
                name="helpboard_capacity_available_has_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.status}"

    def has_room(self, now: datetime | None = None) -> bool:
        return (
            self.status == CapacityStatus.AVAILABLE
            and self.available_until is not None
            and self.available_until > (now or timezone.now())
        )

    def is_stale(self, now: datetime | None = None) -> bool:
        return self.status == CapacityStatus.AVAILABLE and not self.has_room(now)


class Effort(models.TextChoices):
    UNDER_AN_HOUR = "under_hour", "Under an hour"
    HALF_A_DAY = "half_day", "About half a day"
    DAY_OR_MORE = "day_plus", "A day or more"


class Audience(models.TextChoices):
    TEAM = "team", "My team"
    ORGANIZATION = "organization", "Everyone in the organisation"


class RequestState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CLOSED = "closed", "Closed"


class HelpRequestQuerySet(TenantQuerySet["HelpRequest"]):
    def visible_to(self, viewer: Person) -> Self:
        """Organisation-wide requests, team requests of the viewer's teams, and their own."""
        my_teams = Membership.objects.filter(person=viewer).values("team_id")
        return self.in_organization(viewer.organization).filter(
            Q(audience=Audience.ORGANIZATION) | Q(team_id__in=my_teams) | Q(requester=viewer)
        )

    def open(self) -> Self:
        return self.filter(state=RequestState.OPEN)


class HelpRequest(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="help_requests")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    skills: models.ManyToManyField[Skill, RequestSkill] = models.ManyToManyField(
        Skill, blank=True, related_name="requests", through="RequestSkill"
    )
    effort = models.CharField(max_length=10, choices=Effort.choices)
    needed_by = models.DateField()
    audience = models.CharField(
        max_length=12, choices=Audience.choices, default=Audience.ORGANIZATION
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For requests to one team: the team that sees it.",
    )
    state = models.CharField(max_length=6, choices=RequestState.choices, default=RequestState.OPEN)
    source_post = models.ForeignKey(
        "feed.Post",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
        help_text="The challenge in the feed this request was asked from, if any.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_automatically = models.BooleanField(default=False)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The board: one organisation's open requests, newest first.
            models.Index(
                fields=["organization", "state", "-created_at", "-id"],
                name="helpboard_request_board",
            ),
            # The periodic close: open requests whose date has passed, across organisations.
            models.Index(fields=["state", "needed_by"], name="helpboard_request_due"),
            # "Mine".
            models.Index(fields=["requester", "-created_at"], name="helpboard_request_mine"),
        ]
        # No check that a team request has a team: when a team is deleted its requests
        # stay, seen by their requester only (see HelpRequestQuerySet.visible_to).

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.audience == Audience.TEAM and self.team_id is None:
            raise ValidationError({"audience": "Choose which of your teams should see this."})
        if self.team is not None and self.team.organization_id != self.organization_id:
            raise ValidationError({"audience": "That team is not in your organisation."})

    @property
    def is_open(self) -> bool:
        return self.state == RequestState.OPEN


class RequestSkill(models.Model):
    """A skill a request needs. `is_open` mirrors the request's state so that "open
    requests needing one of these skills" is read from a small partial index, not found
    by checking every open request (see selectors.board_requests)."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    is_open = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("request", "skill", name="helpboard_request_skill_unique"),
        ]
        indexes = [
            models.Index(
                fields=["skill", "request"],
                condition=Q(is_open=True),
                name="helpboard_open_request_skill",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} needs {self.skill_id}"


class OfferState(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"


class OfferQuerySet(TenantQuerySet["Offer"]):
    organization_path = "request__organization"

    def visible_to(self, viewer: Person) -> Self:
        """An offer is seen by the person who made it and the person who asked."""
        return self.filter(request__organization=viewer.organization).filter(
            Q(helper=viewer) | Q(request__requester=viewer)
        )


class Offer(models.Model):
    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    helper = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="help_offers")
    message = models.CharField(max_length=OFFER_MAX_LENGTH, blank=True)
    state = models.CharField(max_length=8, choices=OfferState.choices, default=OfferState.OFFERED)
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["helper", "-created_at"], name="helpboard_offer_helper"),
        ]
        constraints = [
            models.UniqueConstraint("request", "helper", name="helpboard_offer_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"Offer by {self.helper_id} on {self.request_id}"

    @property
    def is_accepted(self) -> bool:
        return self.state == OfferState.ACCEPTED
