"""Reads for pairing pages and the API: programmes, my groups, rounds, buddies, and the
meeting rate (released only through the privacy gate)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from rapport.people.models import Membership, Person, Team
from rapport.privacy.gate import Group as GateGroup
from rapport.privacy.gate import Result
from rapport.privacy.services import release_aggregates

from .access import led_team_ids
from .models import (
    Answer,
    Buddy,
    DontPair,
    Group,
    GroupMember,
    Participation,
    PoolKind,
    Program,
    Round,
)
from .schedule import next_announcement

TIE_LINES = {
    "new": "You two have hardly worked together yet.",
    "light": "You've crossed paths now and then.",
    "known": "You know each other already: a chance to catch up properly.",
}


def programs_visible(*, viewer: Person) -> QuerySet[Program]:
    """The organisation's programmes: anyone may see them and join."""
    return (
        Program.objects.visible_to(viewer)
        .select_related("owner")
        .prefetch_related("teams")
        .order_by("name", "id")
    )


def programs_managed(*, viewer: Person) -> QuerySet[Program]:
    """Programmes the viewer may change: all for org admins; a lead's own teams' ones."""
    programs = programs_visible(viewer=viewer)
    if viewer.is_org_admin:
        return programs
    led = led_team_ids(viewer)
    if not led:
        return programs.none()
    outside = Team.objects.in_organization(viewer.organization).exclude(pk__in=led)
    return (
        programs.filter(pool=PoolKind.TEAMS, teams__in=led)
        .exclude(teams__in=outside)
        .distinct()
        .order_by("name", "id")
    )


@dataclass
class MyStanding:
    """Where the viewer stands in one programme, for the list."""

    eligible: bool
    taking_part: bool
    snoozed_until: date | None
    needs_opt_back_in: bool


def my_standing(*, viewer: Person, programs: list[Program]) -> dict[int, MyStanding]:
    """The viewer's standing in each programme (three queries, whatever the count)."""
    choices = {
        p.program_id: p for p in Participation.objects.filter(person=viewer, program__in=programs)
    }
    my_teams = set(Membership.objects.filter(person=viewer).values_list("team_id", flat=True))
    parents = dict(Team.objects.in_organization(viewer.organization).values_list("pk", "parent_id"))
    mine_and_above: set[int] = set()
    for team_id in my_teams:
        current: int | None = team_id
        while current is not None and current not in mine_and_above:
            mine_and_above.add(current)
            current = parents.get(current)
    today = timezone.localdate()
    out = {}
    for program in programs:
        choice = choices.get(program.pk)
        if program.pool == PoolKind.TEAMS:
            eligible = any(t.pk in mine_and_above for t in program.teams.all())
        elif program.pool == PoolKind.LOCATIONS:
            eligible = viewer.location in program.locations
        else:
            eligible = True
        opted_in = choice.opted_in if choice else program.pool != PoolKind.OPT_IN
        snoozed = choice.snoozed_until if choice and choice.is_snoozed(today) else None
        asked = bool(choice and choice.needs_opt_back_in)
        out[program.pk] = MyStanding(
            eligible=eligible,
            taking_part=eligible and opted_in and not asked and snoozed is None,
            snoozed_until=snoozed,
            needs_opt_back_in=asked,
        )
    return out


def next_round_at(program: Program, now: datetime | None = None) -> datetime:
    return next_announcement(
        now or timezone.now(),
        cadence=program.cadence,
        weekday=program.announce_weekday,
        hour=program.announce_hour,
        time_zone=program.time_zone,
    )


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "group__members",
        queryset=GroupMember.objects.select_related("person__user").order_by(
            "person__display_name", "person_id"
        ),
    )


def my_groups(*, viewer: Person, current_only: bool = False) -> QuerySet[GroupMember]:
    """The viewer's group memberships, newest round first, with everyone in each group."""
    rows = GroupMember.objects.filter(
        person=viewer, group__round__program__organization=viewer.organization
    )
    if current_only:
        rows = rows.filter(group__round__closed_at__isnull=True)
    return (
        rows.select_related("group__round__program")
        .prefetch_related(_members_prefetch())
        .order_by("-group__round__held_on", "-group_id")
    )


@dataclass
class MemberCard:
    person: Person
    lines: list[str]


@dataclass
class GroupCard:
    """One group as one member sees it: the others, why, when, and the answer."""

    group: Group
    round: Round
    program: Program
    me: GroupMember
    others: list[MemberCard] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)  # aware, in the viewer's zone
    introduction: str = ""

    @property
    def answered(self) -> str:
        return self.me.answer

    @property
    def answer_label(self) -> str:
        return Answer(self.me.answer).label if self.me.answer else ""


def group_card(*, viewer: Person, membership: GroupMember) -> GroupCard:
    """Built from prefetched rows only: no queries."""
    from .services import Reason, introduction_text

    group = membership.group
    made = group.round
    program = made.program
    members = list(group.members.all())
    reasons = {
        r["other_id"]: Reason(**{**r, "shared_skills": tuple(r.get("shared_skills", ()))})
        for r in membership.introduction
    }
    card = GroupCard(group=group, round=made, program=program, me=membership)
    others = [m.person for m in members if m.person_id != viewer.pk]
    for other in others:
        reason = reasons.get(other.pk)
        lines = []
        if reason is not None:
            lines.append(TIE_LINES[reason.tie])
            if reason.other_team and reason.other_team != reason.my_team:
                mine = f"; you're in {reason.my_team}" if reason.my_team else ""
                lines.append(f"Works in {reason.other_team}{mine}.")
            elif reason.other_team:
                lines.append(f"Also in {reason.other_team}.")
            if reason.shared_skills:
                lines.append(f"You both know about {', '.join(reason.shared_skills)}.")
        card.others.append(MemberCard(person=other, lines=lines))
    card.introduction = introduction_text(
        program, others, [reasons[o.pk] for o in others if o.pk in reasons]
    )
    tz = viewer.tz
    card.times = [datetime.fromisoformat(t).astimezone(tz) for t in group.suggested_times]
    return card


def round_member(*, viewer: Person, made: Round) -> GroupMember | None:
    return (
        GroupMember.objects.filter(person=viewer, group__round=made)
        .select_related("group__round__program")
        .prefetch_related(_members_prefetch())
        .first()
    )


def program_rounds(*, program: Program) -> QuerySet[Round]:
    return (
        Round.objects.filter(program=program)
        .annotate(group_count=Count("groups", distinct=True))
        .select_related("started_by")
        .order_by("-held_on", "-id")
    )


def dont_pair_list(*, viewer: Person) -> QuerySet[DontPair]:
    return (
        DontPair.objects.visible_to(viewer)
        .select_related("other")
        .order_by("other__display_name", "id")
    )


def my_buddies(*, viewer: Person) -> QuerySet[Buddy]:
    """The viewer's current buddy pairings, as newcomer or as buddy."""
    return (
        Buddy.objects.in_organization(viewer.organization)
        .active()
        .filter(Q(newcomer=viewer) | Q(buddy=viewer))
        .select_related("newcomer", "buddy")
        .order_by("-started_on", "-id")
    )


def buddies_admin(*, viewer: Person) -> QuerySet[Buddy]:
    """Every buddy pairing of the organisation, newest first (org admins only)."""
    if not viewer.is_org_admin:
        return Buddy.objects.none()
    return (
        Buddy.objects.visible_to(viewer)
        .select_related("newcomer", "buddy")
        .prefetch_related("check_ins")
        .order_by("-started_on", "-id")
    )


# --- the meeting rate -----------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRate:
    percent: int  # share of groups in which someone said "we met"
    groups: int
    rounds: int
    answered_percent: int  # share of groups with any answer


def _closed_rounds(program: Program) -> QuerySet[Round]:
    # A round counts once people were asked: its follow-up went out or the next one came.
    return Round.objects.filter(program=program).exclude(
        follow_up_sent_at__isnull=True, closed_at__isnull=True
    )


def _rate(round_ids: list[int]) -> MeetingRate:
    answers: dict[int, set[str]] = {}
    for group_id, answer in GroupMember.objects.filter(group__round_id__in=round_ids).values_list(
        "group_id", "answer"
    ):
        answers.setdefault(group_id, set()).add(answer)
    groups = len(answers)
    met = sum(1 for a in answers.values() if Answer.MET in a)
    answered = sum(1 for a in answers.values() if a - {""})
    return MeetingRate(
        percent=round(100 * met / groups) if groups else 0,
        groups=groups,
        rounds=len(round_ids),
        answered_percent=round(100 * answered / groups) if groups else 0,
    )


def _rate_of(round_ids: list[int]) -> Callable[[frozenset[int]], MeetingRate]:
    def compute(_members: frozenset[int]) -> MeetingRate:
        return _rate(round_ids)

    return compute


def meeting_rates(*, viewer: Person, programs: list[Program]) -> dict[int, Result[MeetingRate]]:
    """Each programme's meeting rate over its closed rounds, through the privacy gate.

    The figure is about the people who were in those rounds' groups; the gate holds it
    back when they are too few, or too few changed since the viewer last saw it.
    """
    if not programs:
        return {}
    closed: dict[int, list[tuple[int, date]]] = {}
    for pk, program_id, held_on in (
        Round.objects.filter(program__in=programs)
        .exclude(follow_up_sent_at__isnull=True, closed_at__isnull=True)
        .values_list("pk", "program_id", "held_on")
    ):
        closed.setdefault(program_id, []).append((pk, held_on))
    people: dict[int, set[int]] = {}
    for program_id, person_id in (
        GroupMember.objects.filter(group__round_id__in=[r for v in closed.values() for r, _ in v])
        .values_list("group__round__program_id", "person_id")
        .distinct()
    ):
        people.setdefault(program_id, set()).add(person_id)
    groups: list[GateGroup[MeetingRate]] = []
    latest: list[str] = []
    for program in programs:
        rounds = closed.get(program.pk, [])
        if not rounds:
            continue
        round_ids = [r for r, _ in rounds]
        latest.append(f"{program.pk}@{max(d for _, d in rounds):%Y%m%d}")
        groups.append(
            GateGroup(
                label=f"program-{program.pk}",
                members=frozenset(people.get(program.pk, set())),
                compute=_rate_of(round_ids),
            )
        )
    if not groups:
        return {}
    question = "pairing_meeting_rate:" + ",".join(latest)
    if len(question) > 200:
        question = question[:180] + f":n={len(latest)}"
    released = release_aggregates(
        viewer=viewer, question=question, groups=groups, organization=viewer.organization
    )
    return {int(label.split("-", 1)[1]): result for label, result in released.items()}


def round_summary(*, made: Round) -> dict[str, Any]:
    """What a manager sees of a round: counts only, never who answered what."""
    return {
        "groups": Group.objects.filter(round=made).count(),
        "people": GroupMember.objects.filter(group__round=made).count(),
        "unmatched": made.unmatched_count,
    }
