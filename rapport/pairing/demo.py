"""Demo history for pairing: a weekly virtual coffee across teams and a lunch per office,
each with six past rounds and their answers, this week's round announced (the featured
accounts are in a group), and buddies for a new joiner and someone back from leave.

Past rounds go through the same service as real ones (engine, plan, suggested times,
silence counting), only without notifications; this week's round tells everyone.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from rapport.ledger.kinds import Kind as LedgerKind
from rapport.ledger.services import InteractionRow, interactions_bulk_record
from rapport.people.models import Person

from . import services
from .models import (
    Answer,
    Buddy,
    BuddyCheckIn,
    Cadence,
    GroupMember,
    Kind,
    PoolKind,
    Program,
    Round,
    TeamMode,
)

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan
    from rapport.people.models import Organization

PAST_ROUNDS = 6
OFFICES = (
    ("London studio", "Europe/London"),
    ("Berlin office", "Europe/Berlin"),
    ("New York office", "America/New_York"),
)


def _last(weekday: int, today: date) -> date:
    return today - timedelta(days=(today.isoweekday() - weekday) % 7)


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    rng = random.Random(plan.seed * 7919 + 17)
    today = plan.today
    admins = Person.objects.in_organization(organization).filter(is_org_admin=True)
    owner = admins.filter(user__email__startswith="admin@").first() or admins.first()
    coffee = Program.objects.create(
        organization=organization,
        name="Monday virtual coffee",
        kind=Kind.COFFEE,
        pool=PoolKind.ORGANIZATION,
        group_size=2,
        cadence=Cadence.WEEKLY,
        announce_weekday=1,
        announce_hour=10,
        time_zone="Europe/London",
        team_mode=TeamMode.CROSS,
        owner=owner,
    )
    programs = [(coffee, 1)]
    for location, zone in OFFICES:
        lunch = Program.objects.create(
            organization=organization,
            name=f"Lunch at the {location}",
            kind=Kind.LUNCH,
            pool=PoolKind.LOCATIONS,
            locations=[location],
            group_size=3,
            cadence=Cadence.WEEKLY,
            announce_weekday=3,
            announce_hour=11,
            time_zone=zone,
            team_mode=TeamMode.CROSS,
            owner=owner,
        )
        programs.append((lunch, 3))

    featured = set(
        Person.objects.in_organization(organization)
        .filter(user__email__in=[a.email for a in plan.accounts])
        .values_list("pk", flat=True)
    )
    for program, weekday in programs:
        current = _last(weekday, today)
        for weeks_ago in range(PAST_ROUNDS, 0, -1):
            held_on = current - timedelta(days=7 * weeks_ago)
            announced = datetime.combine(held_on, time(program.announce_hour), tzinfo=program.tz)
            made = services.round_run(
                program=program, on=held_on, now=announced.astimezone(UTC), announce=False
            )
            _answer(made, rng, announced.astimezone(UTC) + timedelta(days=3), featured)
            Round.objects.filter(pk=made.pk).update(
                follow_up_sent_at=announced.astimezone(UTC) + timedelta(days=5)
            )
        announced = datetime.combine(current, time(program.announce_hour), tzinfo=program.tz)
        services.round_run(program=program, on=current, now=announced.astimezone(UTC))

    _buddies(organization, plan, today)


def _answer(made: Round, rng: random.Random, when: datetime, featured: set[int]) -> None:
    """Most groups meet and say so; some didn't manage it; a few never answer.

    Generated history, so written in bulk: the answers, and one MET interaction per pair
    of each group that met (what `services.group_answer` records one by one).
    """
    members: dict[int, list[GroupMember]] = {}
    for member in GroupMember.objects.filter(group__round=made):
        members.setdefault(member.group_id, []).append(member)
    answered: list[GroupMember] = []
    rows: list[InteractionRow] = []
    organization_id = made.program.organization_id
    for group_members in members.values():
        roll = rng.random()
        if any(m.person_id in featured for m in group_members):
            roll = 0.15 + roll * 0.67  # the featured accounts meet their groups
        if roll < 0.15:
            continue  # nobody answered
        answer = Answer.MET if roll < 0.82 else Answer.NOT_MET
        said = [
            m for m in group_members if rng.random() < 0.8 or m.person_id in featured
        ] or group_members[:1]
        for member in said:
            member.answer, member.answered_at = answer, when
            answered.append(member)
        if answer == Answer.MET:
            ids = sorted(m.person_id for m in group_members)
            rows += [
                InteractionRow(organization_id, a, b, LedgerKind.MET, when)
                for i, a in enumerate(ids)
                for b in ids[i + 1 :]
            ]
    GroupMember.objects.bulk_update(answered, ["answer", "answered_at"])
    interactions_bulk_record(rows)


def _buddies(organization: Organization, plan: OrganizationPlan, today: date) -> None:
    people = Person.objects.in_organization(organization)
    by_email = {p.user.email: p for p in people.select_related("user")}
    joiners = sorted(
        (p for p in plan.people if p.start_date >= plan.history_start and p.status == "active"),
        key=lambda p: p.start_date,
        reverse=True,
    )
    returners = [p for p in plan.people if p.status == Person.Status.RETURNING]
    chosen = [(joiners[0], Buddy.Reason.NEW_JOINER)] if joiners else []
    chosen += [(r, Buddy.Reason.RETURNING) for r in returners[:1]]
    for planned, reason in chosen:
        newcomer = by_email[planned.email]
        started = max(newcomer.start_date or today, today - timedelta(days=12))
        if reason == Buddy.Reason.RETURNING:
            started = today - timedelta(days=9)
        pairing = services.buddy_assign(newcomer=newcomer, reason=reason, started_on=started)
        if pairing is not None:
            BuddyCheckIn.objects.filter(pairing=pairing, due_on__lte=today).update(
                sent_at=datetime.combine(today, time(9), tzinfo=UTC)
            )
