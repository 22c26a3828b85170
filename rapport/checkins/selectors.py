"""Reads for check-ins: my own history, what teammates share, gated team figures, the
caring message, and reaching-out suggestions built from the asker's own ledger ties."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.utils import timezone

from rapport.ledger.models import Interaction
from rapport.ledger.selectors import STRONG_TIE, PersonTie, person_ties
from rapport.lib.tenancy import get_for
from rapport.people.access import get_team_for
from rapport.people.models import Membership, Person, Team
from rapport.privacy.gate import Group, Result
from rapport.privacy.services import release_aggregates

from .models import LOW_MOODS, SHARED_WITH_TEAM, CheckIn, CheckOn, CheckOnReply, Mood
from .services import local_day

HISTORY_DAYS = 90
#: The caring message: this many low check-ins among the last LOW_WINDOW ones…
LOW_COUNT = 3
LOW_WINDOW = 5
#: …all of them within this many days (an old rough patch is not "recent").
LOW_RECENT_DAYS = 30
TEAM_DAYS = 7
AGGREGATE_WEEKS = 6

#: Reaching out: a tie that was strong in this window of days ago…
REACH_OUT_WINDOW = (120, 60)
#: …and quiet for at least this many days.
REACH_OUT_QUIET_DAYS = 21


# --- my own check-ins ----------------------------------------------------------------------


def checkin_today(*, person: Person, now: datetime | None = None) -> CheckIn | None:
    return CheckIn.objects.filter(person=person, day=local_day(person=person, now=now)).first()


def my_checkins(*, person: Person) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(person=person).order_by("-day", "-id")


def get_my_checkin_for(person: Person, pk: int) -> CheckIn:
    """One of the person's own check-ins, or 404 (a teammate's shared one included)."""
    return get_for(person, CheckIn.objects.filter(person=person), pk=pk)


@dataclass(frozen=True)
class HistoryDay:
    day: date
    checkin: CheckIn | None

    @property
    def mood(self) -> int | None:
        return self.checkin.mood if self.checkin else None

    @property
    def label(self) -> str:
        return Mood(self.checkin.mood).label if self.checkin else ""


def mood_history(
    *, person: Person, days: int = HISTORY_DAYS, now: datetime | None = None
) -> list[HistoryDay]:
    """The last `days` local days, oldest first, each with its check-in if any (one query)."""
    today = local_day(person=person, now=now)
    start = today - timedelta(days=days - 1)
    by_day = {
        c.day: c
        for c in CheckIn.objects.filter(person=person, day__gte=start, day__lte=today).defer("note")
    }
    return [
        HistoryDay(day, by_day.get(day)) for day in (start + timedelta(days=n) for n in range(days))
    ]


@dataclass(frozen=True)
class Support:
    """The caring message for a person whose recent moods stay low, with people to talk to."""

    low_checkins: int
    people: list[PersonTie]


def support_for(*, person: Person, now: datetime | None = None) -> Support | None:
    """Shown only to the person themselves: 3 of their last 5 recent check-ins low."""
    since = local_day(person=person, now=now) - timedelta(days=LOW_RECENT_DAYS)
    moods = list(
        CheckIn.objects.filter(person=person, day__gte=since)
        .order_by("-day")
        .values_list("mood", flat=True)[:LOW_WINDOW]
    )
    low = sum(1 for mood in moods if mood in LOW_MOODS)
    if low < LOW_COUNT:
        return None
    ties = [
        tie
        for tie in person_ties(person=person, as_of=now, limit=6)
        if tie.person.status not in (Person.Status.LEFT, Person.Status.ON_LEAVE)
        and tie.person.erased_at is None
    ]
    return Support(low_checkins=low, people=ties[:3])


# --- teams ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamAccess:
    team: Team
    is_member: bool
    sees_figures: bool  # a lead of the team or an org admin


def team_access_for(viewer: Person, pk: int) -> TeamAccess:
    """The team if the viewer may look at its check-ins: members see what teammates share,
    leads and org admins see gated figures. 404 for other organisations' teams."""
    team = get_team_for(viewer, pk)
    role = (
        Membership.objects.filter(team=team, person=viewer).values_list("role", flat=True).first()
    )
    is_member = role is not None
    sees_figures = role == Membership.Role.LEAD or viewer.is_org_admin
    if not is_member and not sees_figures:
        raise PermissionDenied("Only the people in this team see how its members are doing.")
    return TeamAccess(team=team, is_member=is_member, sees_figures=sees_figures)


def my_teams(*, person: Person) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person).select_related("team").order_by("team__name")


def teams_for_checkins(*, viewer: Person) -> QuerySet[Team]:
    """The teams whose check-in page the viewer may open: their own teams, and for an org
    admin every team of the organisation. Each has `my_role` (None if not a member)."""
    teams = Team.objects.visible_to(viewer)
    if not viewer.is_org_admin:
        teams = teams.filter(memberships__person=viewer)
    my_role = Membership.objects.filter(team=OuterRef("pk"), person=viewer).values("role")[:1]
    return (
        teams.select_related("parent")
        .annotate(my_role=Subquery(my_role))
        .distinct()
        .order_by("name", "id")
    )


def team_shared_checkins(
    *, viewer: Person, team: Team, days: int = TEAM_DAYS, now: datetime | None = None
) -> QuerySet[CheckIn]:
    """What the team's members chose to share with the team in the last `days` days.

    The same for a lead as for any member: sharing is with the team, not with its lead.
    Callers show the note only through `CheckIn.team_note`.
    """
    since = local_day(person=viewer, now=now) - timedelta(days=days - 1)
    members = Membership.objects.filter(team=team).values("person_id")
    return (
        CheckIn.objects.filter(
            organization_id=team.organization_id,
            person_id__in=members,
            visibility__in=SHARED_WITH_TEAM,
            day__gte=since,
        )
        .exclude(person__status=Person.Status.LEFT)
        .exclude(person__erased_at__isnull=False)
        .select_related("person")
        .order_by("-day", "person__display_name", "id")
    )


@dataclass(frozen=True)
class WeekMood:
    average: float
    distribution: dict[int, int]  # mood -> how many check-ins
    checkins: int

    def percentages(self) -> list[tuple[str, int]]:
        return [
            (Mood(m).label, round(100 * self.distribution.get(m, 0) / self.checkins))
            for m in Mood.values
        ]


@dataclass(frozen=True)
class WeekFigure:
    week: str  # ISO week, e.g. 2026-W13
    monday: date
    result: Result[WeekMood]


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def team_mood_figures(
    *, viewer: Person, team: Team, weeks: int = AGGREGATE_WEEKS, now: datetime | None = None
) -> list[WeekFigure]:
    """The team's mood per closed week, newest first, each released through the privacy gate.

    A week's figure is about the people who checked in that week (whatever they chose to
    share: only the figure leaves, never a check-in). Only closed weeks: a week still
    filling up would change by one person a day, which the gate rightly refuses to show.
    Each figure is computed only if the gate releases it.
    """
    today = local_day(person=viewer, now=now)
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=weeks)
    members = Membership.objects.filter(team=team).values("person_id")
    rows = (
        CheckIn.objects.filter(
            organization_id=team.organization_id,
            person_id__in=members,
            day__gte=first_monday,
            day__lt=this_monday,
            person__erased_at__isnull=True,
        )
        .order_by()
        .values_list("person_id", "day", "mood")
    )
    by_week: dict[date, list[tuple[int, int]]] = defaultdict(list)
    for person_id, day, mood in rows:
        by_week[day - timedelta(days=day.weekday())].append((person_id, mood))

    mondays = [this_monday - timedelta(weeks=n) for n in range(1, weeks + 1)]

    def compute_for(monday: date) -> Callable[[frozenset[int]], WeekMood]:
        def compute(people: frozenset[int]) -> WeekMood:
            moods = [mood for person_id, mood in by_week[monday] if person_id in people]
            distribution = {m: moods.count(m) for m in Mood.values}
            return WeekMood(
                average=round(sum(moods) / len(moods), 1),
                distribution=distribution,
                checkins=len(moods),
            )

        return compute

    groups = [
        Group(
            label=iso_week(monday),
            members=frozenset(person_id for person_id, _ in by_week[monday]),
            compute=compute_for(monday),
        )
        for monday in mondays
    ]
    results = release_aggregates(
        viewer=viewer,
        question=f"checkins_team_mood:team={team.pk}",
        groups=groups,
        organization=viewer.organization,
    )
    return [WeekFigure(iso_week(m), m, results[iso_week(m)]) for m in mondays]


# --- check-on messages ---------------------------------------------------------------------


def get_check_on_for(viewer: Person, pk: int) -> CheckOn:
    """A thread the viewer is in, or 404 (also for everyone else's)."""
    return get_for(viewer, CheckOn.objects.select_related("sender", "recipient"), pk=pk)


def check_ons_for(*, person: Person) -> QuerySet[CheckOn]:
    """My threads, sent and received, most recent activity first."""
    return (
        CheckOn.objects.visible_to(person)
        .select_related("sender", "recipient")
        .annotate(reply_count=Count("replies"))
        .order_by("-last_activity_at", "-id")
    )


def thread_replies(*, check_on: CheckOn) -> QuerySet[CheckOnReply]:
    return check_on.replies.select_related("author").order_by("created_at", "id")


def check_on_with_replies(viewer: Person, pk: int) -> CheckOn:
    queryset = CheckOn.objects.select_related("sender", "recipient").prefetch_related(
        Prefetch(
            "replies",
            queryset=CheckOnReply.objects.select_related("author").order_by("created_at", "id"),
        )
    )
    return get_for(viewer, queryset, pk=pk)


# --- reaching out --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReachOut:
    person: Person
    then_strength: float  # sum of interaction weights in the window
    then_interactions: int
    last_at: datetime

    @property
    def quiet_weeks(self) -> int:
        return max(1, (timezone.now() - self.last_at).days // 7)


def reach_out_suggestions(
    *, person: Person, limit: int = 5, now: datetime | None = None
) -> list[ReachOut]:
    """People the person used to be in touch with regularly and not lately, from their own
    ledger ties only (never from anyone's check-ins). Two queries whatever the history:
    one aggregate over the person's interactions (served by the ledger's (actor, time) and
    (other, time) indexes) and one for the people."""
    now = now or timezone.now()
    window_start = now - timedelta(days=REACH_OUT_WINDOW[0])
    window_end = now - timedelta(days=REACH_OUT_WINDOW[1])
    quiet_since = now - timedelta(days=REACH_OUT_QUIET_DAYS)
    in_window = Q(occurred_at__lt=window_end)
    them = Case(When(actor_id=person.pk, then=F("other_id")), default=F("actor_id"))
    rows = (
        Interaction.objects.filter(
            Q(actor_id=person.pk) | Q(other_id=person.pk),
            occurred_at__gte=window_start,
            occurred_at__lte=now,
        )
        .annotate(them=them)
        .values("them")
        .annotate(
            then_strength=Sum("weight", filter=in_window, default=0.0),
            then_interactions=Count("id", filter=in_window),
            last_at=Max("occurred_at"),
        )
        .filter(then_strength__gte=STRONG_TIE, last_at__lt=quiet_since)
        .order_by("-then_strength", "them")[: limit * 2]
    )
    found = list(rows)
    people = (
        Person.objects.filter(pk__in=[row["them"] for row in found])
        .exclude(status__in=[Person.Status.LEFT, Person.Status.ON_LEAVE])
        .filter(erased_at__isnull=True)
        .select_related("user")
        .in_bulk()
    )
    suggestions = [
        ReachOut(
            person=people[row["them"]],
            then_strength=row["then_strength"],
            then_interactions=row["then_interactions"],
            last_at=row["last_at"],
        )
        for row in found
        if row["them"] in people
    ]
    return suggestions[:limit]
