"""Reads for commitments: the three lists, one promise with its history, follow-through
records (a person's own, a teammate's shared one, a team's through the privacy gate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from rapport.lib.tenancy import get_for
from rapport.people.models import Membership, Person, Team
from rapport.privacy.gate import Result
from rapport.privacy.services import release_aggregate

from .models import Commitment, CommitmentEvent, CommitmentSettings
from .states import Outcome, State

#: The follow-through record looks back this far.
RECORD_DAYS = 90


class Tab(StrEnum):
    PROMISED = "promised"  # I promised
    TO_ME = "to_me"  # promised to me (and what I asked for)
    ASKED = "asked"  # asked of me


class Show(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    ALL = "all"


def get_commitment_for(person: Person, pk: int) -> Commitment:
    """A promise the person is a party to (promiser or receiver), or 404 for anything else."""
    return get_for(person, _with_people(Commitment.objects.all()), pk=pk)


def _with_people(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return commitments.select_related("promiser", "asked_by").prefetch_related(
        Prefetch("receivers", queryset=Person.objects.order_by("display_name", "pk"))
    )


def commitments_for(
    *, person: Person, tab: Tab = Tab.PROMISED, show: Show = Show.ACTIVE, state: str = ""
) -> QuerySet[Commitment]:
    """One of the person's lists. Active ones soonest due first; closed ones latest first.

    Two queries whatever the length: the page of promises (with promiser and asker) and
    their receivers.
    """
    mine = Commitment.objects.visible_to(person)
    if tab == Tab.PROMISED:
        commitments = mine.filter(promiser=person).exclude(state__in=[State.ASKED, State.DECLINED])
    elif tab == Tab.ASKED:
        commitments = mine.filter(promiser=person, asked_by__isnull=False)
    else:
        commitments = mine.exclude(promiser=person)
    if state:
        commitments = commitments.filter(state=state)
    elif show == Show.ACTIVE:
        commitments = commitments.active()
    elif show == Show.CLOSED:
        commitments = commitments.closed()
    if show == Show.ACTIVE and not state:
        ordered = commitments.order_by("due_at", "pk")
    else:
        ordered = commitments.order_by("-due_at", "-pk")
    return _with_people(ordered)


def tab_counts(*, person: Person) -> dict[str, int]:
    """How many active promises each tab holds (one query)."""
    counts = Commitment.objects.visible_to(person).aggregate(
        promised=Count(
            "pk",
            filter=Q(promiser=person, state__in=[State.OPEN, State.DELIVERED, State.MISSED]),
        ),
        to_me=Count(
            "pk",
            filter=~Q(promiser=person)
            & Q(state__in=[State.ASKED, State.OPEN, State.DELIVERED, State.MISSED]),
        ),
        asked=Count("pk", filter=Q(promiser=person, state=State.ASKED)),
    )
    return {key: value or 0 for key, value in counts.items()}


def commitment_history(*, commitment: Commitment) -> QuerySet[CommitmentEvent]:
    return commitment.events.select_related("actor").order_by("created_at", "pk")


# --- follow-through ------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowThrough:
    """How someone's promises ended over the last RECORD_DAYS days."""

    on_time: int
    renegotiated_early: int
    late: int
    missed: int

    @property
    def total(self) -> int:
        return self.on_time + self.renegotiated_early + self.late + self.missed

    @property
    def kept_trust(self) -> int:
        """Kept on time, or renegotiated before the due time and then kept."""
        return self.on_time + self.renegotiated_early

    def percent(self, part: int) -> int | None:
        return round(100 * part / self.total) if self.total else None

    @property
    def follow_through_rate(self) -> int | None:
        return self.percent(self.kept_trust)

    def as_dict(self) -> dict[str, int | None]:
        return {
            "on_time": self.on_time,
            "renegotiated_early": self.renegotiated_early,
            "late": self.late,
            "missed": self.missed,
            "total": self.total,
            "follow_through_rate": self.follow_through_rate,
        }


def _record_of(people_ids: list[int], *, now: datetime) -> FollowThrough:
    since = now - timedelta(days=RECORD_DAYS)
    counts = Commitment.objects.filter(
        promiser_id__in=people_ids, settled_at__gte=since, settled_at__lte=now
    ).aggregate(
        **{outcome.value: Count("pk", filter=Q(outcome=outcome.value)) for outcome in Outcome}
    )
    return FollowThrough(**{key: value or 0 for key, value in counts.items()})


def follow_through(*, person: Person, now: datetime | None = None) -> FollowThrough:
    """The person's own record: one aggregate query."""
    return _record_of([person.pk], now=now or timezone.now())


def shares_record(person: Person) -> bool:
    return CommitmentSettings.objects.filter(person=person, share_record=True).exists()


def share_teammates(viewer: Person, person: Person) -> bool:
    return (
        Membership.objects.filter(person=viewer).filter(team__memberships__person=person).exists()
    )


def teammates_sharing(*, viewer: Person) -> QuerySet[Person]:
    """Teammates (people in one of the viewer's teams) who chose to show their
    follow-through record to their team: where a record shared by choice can be found."""
    my_teams = Membership.objects.filter(person=viewer).values("team_id")
    return (
        Person.objects.visible_to(viewer)
        .current()
        .filter(
            commitment_settings__share_record=True,
            pk__in=Membership.objects.filter(team_id__in=my_teams).values("person_id"),
        )
        .exclude(pk=viewer.pk)
        .order_by("display_name", "pk")
        .only("pk", "display_name")
    )


def get_shared_record_person_for(viewer: Person, pk: int) -> Person:
    """A teammate who chose to show their record to their team, or 404 (also for anyone
    who didn't: whether someone shares is their business)."""
    person = get_for(viewer, Person.objects.select_related("user"), pk=pk)
    if person.pk == viewer.pk:
        return person
    if not (shares_record(person) and share_teammates(viewer, person)):
        raise Http404("No shared record here")
    return person


def get_team_record_team_for(viewer: Person, pk: int) -> Team:
    """A team whose figures the viewer may ask for: its leads and org admins."""
    team = get_for(viewer, Team.objects.all(), pk=pk)
    is_lead = Membership.objects.filter(
        person=viewer, team=team, role=Membership.Role.LEAD
    ).exists()
    if not (viewer.is_org_admin or is_lead):
        raise PermissionDenied("Team figures are for the team's leads and the people team.")
    return team


def teams_led(*, viewer: Person) -> QuerySet[Team]:
    """Teams whose follow-through figures the viewer may see."""
    if viewer.is_org_admin:
        return Team.objects.visible_to(viewer).order_by("name", "pk")
    return Team.objects.filter(
        memberships__person=viewer, memberships__role=Membership.Role.LEAD
    ).order_by("name", "pk")


def team_follow_through(
    *, viewer: Person, team: Team, now: datetime | None = None
) -> Result[dict[str, int | None]]:
    """The team's follow-through rates over the last RECORD_DAYS days, released only
    through the privacy gate: a team too small (or changed by too few people since the
    viewer last looked) gets no figures at all."""
    now = now or timezone.now()
    members = list(
        Membership.objects.filter(team=team, person__erased_at__isnull=True)
        .exclude(person__status=Person.Status.LEFT)
        .values_list("person_id", flat=True)
    )

    def rates(people: frozenset[int]) -> dict[str, int | None]:
        record = _record_of(sorted(people), now=now)
        return {
            "promises_settled": record.total,
            "follow_through_rate": record.follow_through_rate,
            "on_time_rate": record.percent(record.on_time),
            "renegotiated_early_rate": record.percent(record.renegotiated_early),
            "late_rate": record.percent(record.late),
            "missed_rate": record.percent(record.missed),
        }

    return release_aggregate(
        viewer=viewer,
        question=f"commitments_follow_through:team={team.pk}:days={RECORD_DAYS}",
        label=team.name[:200],
        members=members,
        organization=viewer.organization,
        compute=rates,
    )


def settings_for(*, person: Person) -> CommitmentSettings:
    found = CommitmentSettings.objects.filter(person=person).first()
    return found if found is not None else CommitmentSettings(person=person)


def colleagues_to_choose(*, viewer: Person) -> QuerySet[Person]:
    """Whom a promise can be made to or asked of: current colleagues, not yourself."""
    return (
        Person.objects.visible_to(viewer)
        .current()
        .exclude(pk=viewer.pk)
        .order_by("display_name", "pk")
        .only("pk", "display_name")
    )
