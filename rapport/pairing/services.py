"""Writes for pairing: programmes, people's choices, rounds, answers and buddies.

A round turns the programme's pool into the engine's plain inputs (`engine_inputs`),
asks the engine for groups (a stored plan for small pools while the pool and rules stay
the same, re-planned from history when they change), stores them with suggested times
and a per-person introduction, and tells each member. Everything that may run twice
(scheduled rounds, follow-ups, buddy assignment, check-ins) is idempotent.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from rapport.audit.actions import Action
from rapport.audit.services import audit_record
from rapport.helpboard.selectors import skills_of
from rapport.ledger.kinds import Kind as LedgerKind
from rapport.ledger.selectors import STRONG_TIE, org_ties, person_ties
from rapport.ledger.services import interaction_record
from rapport.notifications.services import notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Membership, Person, Team

from . import engine
from .access import can_manage, may_manage_pool
from .hours import Hours, availability_mask, suggest_times
from .models import (
    MAX_GROUP_SIZE,
    MIN_GROUP_SIZE,
    Answer,
    Buddy,
    BuddyCheckIn,
    DontPair,
    Group,
    GroupMember,
    Kind,
    Participation,
    PoolKind,
    Program,
    Round,
)
from .schedule import FOLLOW_UP_AFTER, round_due_on

logger = logging.getLogger(__name__)

HISTORY_ROUNDS = 26  # past rounds the engine avoids repeating (half a year of weeks)
PLAN_AHEAD = 4  # rounds planned at once for a small pool
# Pools up to this size (the engine's "small pool", about 150 people) are planned several
# rounds at once: whole-schedule search pays off where few partners are left; larger pools
# get one fast round at a time.
PLAN_POOL = engine.SMALL_POOL
PLAN_SEARCH_ITERATIONS = 400  # keeps a plan to well under a second
IGNORED_BEFORE_ASKING = 3  # silent rounds in a row before someone is asked to opt back in
LIGHT_TIE = 0.5  # below this two people have hardly worked together
TIE_FLOOR = 0.05  # a tie faded below this (one kudos, months ago) counts as none
PAIRING_STATUSES = (Person.Status.ACTIVE, Person.Status.RETURNING)

BUDDY_WEEKS = (1, 2, 4)
BUDDY_DAYS = 42  # six weeks of buddying
NEW_JOINER_DAYS = 30  # a start date this recent (or up to a week ahead) gets a buddy
RETURN_BUDDY_GAP_DAYS = 90  # a returner gets a new buddy at most this often
MAX_BUDDIES = 2  # a person buddies at most this many newcomers at once
MIN_SHARED_HOURS = 2  # weekly hours a buddy must share with the newcomer
NEWCOMER_TIES = 5_000  # a newcomer's ties read for choosing a buddy (all of them, in practice)


# --- programmes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramSettings:
    name: str
    kind: str
    pool: str
    teams: Sequence[Team]
    locations: Sequence[str]
    group_size: int
    cadence: str
    announce_weekday: int
    announce_hour: int
    time_zone: str
    team_mode: str
    avoid_managers: bool


def _check_settings(actor: Person, settings: ProgramSettings) -> None:
    if not MIN_GROUP_SIZE <= settings.group_size <= MAX_GROUP_SIZE:
        raise ValidationError({"group_size": "Groups have 2, 3 or 4 people."})
    if any(team.organization_id != actor.organization_id for team in settings.teams):
        raise ValidationError({"teams": "Choose teams of your own organisation."})
    if settings.pool == PoolKind.TEAMS and not settings.teams:
        raise ValidationError({"teams": "Choose at least one team for a pool of teams."})
    if not may_manage_pool(actor, pool=settings.pool, team_ids=[t.pk for t in settings.teams]):
        raise PermissionDenied(
            "Team leads can run programmes only for teams they lead: choose a pool of your "
            "own teams, or ask the people team."
        )


def _apply(program: Program, settings: ProgramSettings) -> None:
    program.name = settings.name.strip()
    program.kind = settings.kind
    program.pool = settings.pool
    program.locations = sorted({x.strip() for x in settings.locations if x.strip()})
    program.group_size = settings.group_size
    program.cadence = settings.cadence
    program.announce_weekday = settings.announce_weekday
    program.announce_hour = settings.announce_hour
    program.time_zone = settings.time_zone
    program.team_mode = settings.team_mode
    program.avoid_managers = settings.avoid_managers


def program_create(*, actor: Person, settings: ProgramSettings) -> Program:
    _check_settings(actor, settings)
    program = Program(organization=actor.organization, owner=actor)
    _apply(program, settings)
    program.full_clean()
    with transaction.atomic():
        program.save()
        program.teams.set(settings.teams if settings.pool == PoolKind.TEAMS else [])
        _audit(actor, program, "pairing_program_created")
    return program


def program_update(*, actor: Person, program: Program, settings: ProgramSettings) -> Program:
    if not can_manage(actor, program):
        raise PermissionDenied("Only the people team or the lead of its teams can change this.")
    _check_settings(actor, settings)
    _apply(program, settings)
    program.full_clean()
    with transaction.atomic():
        program.plan = {}  # new rules: the next round re-plans from history
        program.save()
        program.teams.set(settings.teams if settings.pool == PoolKind.TEAMS else [])
        _audit(actor, program, "pairing_program_changed")
    return program


def program_set_paused(*, actor: Person, program: Program, paused: bool) -> Program:
    if not can_manage(actor, program):
        raise PermissionDenied("Only the people team or the lead of its teams can pause this.")
    with transaction.atomic():
        program.paused = paused
        program.save(update_fields=["paused"])
        _audit(actor, program, "pairing_program_paused" if paused else "pairing_program_resumed")
    return program


def _audit(actor: Person, program: Program, change: str) -> None:
    audit_record(
        organization=actor.organization,
        actor=actor,
        action=Action.PAIRING_PROGRAM_CHANGED,
        target=program,
        details={"change": change, "pool": program.pool, "group_size": program.group_size},
    )


# --- a person's choices ---------------------------------------------------------------------


def participation_for(*, person: Person, program: Program) -> Participation:
    """The person's choices about the programme (a fresh unsaved one if they made none)."""
    found = Participation.objects.filter(program=program, person=person).first()
    if found is not None:
        return found
    return Participation(program=program, person=person, opted_in=program.pool != PoolKind.OPT_IN)


def participation_update(
    *,
    person: Person,
    program: Program,
    opted_in: bool | None = None,
    snoozed_until: date | None = None,
    clear_snooze: bool = False,
    today: date | None = None,
) -> Participation:
    """Join or leave, snooze until a date (or wake up), or opt back in after a silence."""
    if program.organization_id != person.organization_id:
        raise PermissionDenied("This programme is not in your organisation.")
    today = today or timezone.localdate()
    if snoozed_until is not None:
        if snoozed_until < today:
            raise ValidationError({"snoozed_until": "Choose a date from today on."})
        if snoozed_until > today + timedelta(days=366):
            raise ValidationError({"snoozed_until": "Snooze for at most a year."})
    with transaction.atomic():
        participation, _ = Participation.objects.select_for_update().get_or_create(
            program=program,
            person=person,
            defaults={"opted_in": program.pool != PoolKind.OPT_IN},
        )
        if opted_in is not None:
            participation.opted_in = opted_in
            if opted_in:
                participation.needs_opt_back_in = False
                participation.ignored_rounds = 0
        if clear_snooze:
            participation.snoozed_until = None
        elif snoozed_until is not None:
            participation.snoozed_until = snoozed_until
        participation.updated_at = timezone.now()
        participation.save()
    return participation


def dont_pair_add(*, person: Person, other: Person) -> DontPair:
    if other.pk == person.pk:
        raise ValidationError({"other": "You can't be paired with yourself anyway."})
    if other.organization_id != person.organization_id or other.erased_at is not None:
        raise ValidationError({"other": "Choose a colleague from your own organisation."})
    entry, _ = DontPair.objects.get_or_create(person=person, other=other)
    return entry


def dont_pair_remove(*, person: Person, entry: DontPair) -> None:
    if entry.person_id != person.pk:
        raise PermissionDenied("That is not on your list.")
    entry.delete()


# --- the pool and the engine's inputs -------------------------------------------------------


def pool_people(*, program: Program, on: date) -> list[Person]:
    """Who takes part in the round on `on`: the pool, less whoever is away or has opted out.

    On leave, left or erased: skipped. Snoozed, left the programme, or silent for
    IGNORED_BEFORE_ASKING rounds until they opt back in: skipped. Opt-in pools take only
    those who opted in.
    """
    people = Person.objects.in_organization(program.organization).filter(
        status__in=PAIRING_STATUSES, erased_at__isnull=True
    )
    if program.pool == PoolKind.TEAMS:
        team_ids = _with_descendants(program)
        people = people.filter(memberships__team_id__in=team_ids).distinct()
    elif program.pool == PoolKind.LOCATIONS:
        people = people.filter(location__in=program.locations)
    choices = {p.person_id: p for p in Participation.objects.filter(program=program)}
    chosen = []
    for person in people.order_by("pk"):
        choice = choices.get(person.pk)
        if program.pool == PoolKind.OPT_IN and (choice is None or not choice.opted_in):
            continue
        if choice is not None and (
            not choice.opted_in or choice.needs_opt_back_in or choice.is_snoozed(on)
        ):
            continue
        chosen.append(person)
    return chosen


def _with_descendants(program: Program) -> set[int]:
    chosen = {t.pk for t in program.teams.all()}
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Team.objects.in_organization(program.organization).values_list(
        "pk", "parent_id"
    ):
        children[parent].append(pk)
    todo = list(chosen)
    while todo:
        for child in children[todo.pop()]:
            if child not in chosen:
                chosen.add(child)
                todo.append(child)
    return chosen


@dataclass
class EngineInputs:
    participants: list[engine.Participant]
    constraints: engine.Constraints
    history: engine.History
    ties: dict[engine.types.Pair, float]
    team_names: dict[int, str]  # person id -> their (first) team's name
    # Help-board skills: everyone's own, and those colleagues may see right now (a
    # skill is shown on the board only while its owner says they have capacity).
    own_skills: dict[int, frozenset[str]] = field(default_factory=dict)
    shown_skills: dict[int, frozenset[str]] = field(default_factory=dict)


def engine_inputs(
    *, program: Program, people: Sequence[Person], on: date, now: datetime | None = None
) -> EngineInputs:
    """The engine's plain inputs for these people on that date (a handful of queries)."""
    ids = {p.pk for p in people}
    teams: dict[int, tuple[int, str]] = {}
    for person_id, team_id, name in (
        Membership.objects.filter(person_id__in=ids)
        .order_by("team_id")
        .values_list("person_id", "team_id", "team__name")
    ):
        teams.setdefault(person_id, (team_id, name))
    lunch = program.kind == Kind.LUNCH
    participants = [
        engine.Participant(
            id=p.pk,
            team=str(teams[p.pk][0]) if p.pk in teams else None,
            # Without a location nobody can share it: such a person stays unmatched.
            attributes={"location": p.location or f"nowhere-{p.pk}"} if lunch else {},
            availability=None if lunch else availability_mask(Hours.of(p), on),
        )
        for p in people
    ]
    forbidden: list[tuple[int, int]] = []
    if program.avoid_managers:
        forbidden += [(p.pk, p.manager_id) for p in people if p.manager_id in ids]
    forbidden += [
        (a, b)
        for a, b in DontPair.objects.filter(person_id__in=ids, other_id__in=ids).values_list(
            "person_id", "other_id"
        )
    ]
    constraints = engine.Constraints.build(
        forbidden_pairs=forbidden,
        must_share=("location",) if lunch else (),
        min_common_slots=0 if lunch else 1,
        team_mode=program.team_mode,  # type: ignore[arg-type]
    )
    history = engine.History(rounds=_past_rounds(program, before=on))
    as_of = now or timezone.now()
    # Only the pool's own ties; ties faded below TIE_FLOOR are strangers to the engine.
    ties = {
        (t.person_a_id, t.person_b_id): t.strength
        for t in org_ties(
            organization=program.organization, as_of=as_of, min_strength=TIE_FLOOR, among=ids
        )
    }
    return EngineInputs(
        participants=participants,
        constraints=constraints,
        history=history,
        ties=ties,
        team_names={pk: name for pk, (_, name) in teams.items()},
        **_skills(ids, as_of),
    )


def _skills(ids: set[int], now: datetime) -> dict[str, dict[int, frozenset[str]]]:
    """The pool's help-board skills (read only, for introductions)."""
    skills = skills_of(people_ids=ids, now=now)
    return {"own_skills": skills.listed, "shown_skills": skills.shown}


def _past_rounds(program: Program, *, before: date) -> list[engine.PastRound]:
    rounds = list(
        Round.objects.filter(program=program, held_on__lt=before)
        .order_by("-held_on")
        .values_list("pk", "held_on")[:HISTORY_ROUNDS]
    )
    held = dict(rounds)
    groups: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for round_id, group_id, person_id in GroupMember.objects.filter(
        group__round_id__in=held
    ).values_list("group__round_id", "group_id", "person_id"):
        groups[round_id][group_id].append(person_id)
    return [
        engine.PastRound(held_on=held[pk], groups=list(groups[pk].values()))
        for pk, _ in reversed(rounds)
    ]


def _fingerprint(program: Program, inputs: EngineInputs) -> str:
    """What the stored plan was made for: the pool, its attributes and every hard rule."""
    data = {
        "size": program.group_size,
        "mode": program.team_mode,
        "kind": program.kind,
        "people": [
            [p.id, p.team, sorted(p.attributes.items()), p.availability]
            for p in sorted(inputs.participants, key=lambda p: p.id)
        ],
        "forbidden": sorted(inputs.constraints.forbidden_pairs),
    }
    return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()


def _groups_for(
    program: Program, inputs: EngineInputs, on: date, *, plan_ahead: bool = True
) -> tuple[list[tuple[int, ...]], list[int], str]:
    """The round's groups: the stored plan's next round while the pool and rules are the
    same; otherwise a new plan (small pools) or one round (large pools, generated history)."""
    fingerprint = _fingerprint(program, inputs)
    plan = program.plan or {}
    if plan_ahead and plan.get("fingerprint") == fingerprint and plan.get("rounds"):
        upcoming = plan["rounds"]
        groups = [tuple(g) for g in upcoming[0]["groups"]]
        unmatched = list(upcoming[0]["unmatched"])
        program.plan = {**plan, "rounds": upcoming[1:]}
        return groups, unmatched, f"{plan.get('method', 'plan')} (planned)"
    # From what the round is, not from database ids: the same programme and date give the
    # same groups on any copy of the data (the demo relies on it).
    seed = zlib.crc32(f"{program.name}|{on.isoformat()}".encode())
    if plan_ahead and len(inputs.participants) <= PLAN_POOL:
        made = engine.plan_rounds(
            inputs.participants,
            program.group_size,
            PLAN_AHEAD,
            constraints=inputs.constraints,
            history=inputs.history,
            ties=inputs.ties,
            seed=seed,
            start=on,
            search_iterations=PLAN_SEARCH_ITERATIONS,
        )
        first, rest = made.rounds[0], made.rounds[1:]
        program.plan = {
            "fingerprint": fingerprint,
            "method": made.method,
            "rounds": [
                {"groups": [list(g) for g in r.groups], "unmatched": r.unmatched} for r in rest
            ],
        }
        return list(first.groups), list(first.unmatched), made.method
    one = engine.make_round(
        inputs.participants,
        program.group_size,
        constraints=inputs.constraints,
        history=inputs.history,
        ties=inputs.ties,
        seed=seed,
        as_of=on,
        # Generated history needs no polish: a fraction of the small-pool tabu search.
        polish_iterations=200 if plan_ahead else 20,
    )
    program.plan = {}
    return list(one.groups), list(one.unmatched), "round"


# --- rounds ---------------------------------------------------------------------------------


class RoundAlreadyHeld(ValidationError):
    pass


def round_run(
    *,
    program: Program,
    on: date,
    trigger: str = Round.Trigger.SCHEDULE,
    started_by: Person | None = None,
    now: datetime | None = None,
    announce: bool = True,
) -> Round:
    """Make and announce the programme's round for the local date `on`.

    `announce=False` stores one quick round without telling anyone (generated history).

    Raises RoundAlreadyHeld if that date already has one (the scheduled task treats this
    as done; a person pressing the button is told).
    """
    now = now or timezone.now()
    if started_by is not None and not can_manage(started_by, program):
        raise PermissionDenied("Only the people team or the lead of its teams can start a round.")
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.paused:
            raise ValidationError(
                "The programme is paused: resume it before starting a round.", code="paused"
            )
        if Round.objects.filter(program=program, held_on=on).exists():
            raise RoundAlreadyHeld(
                "This programme already announced a round today: the next one comes on schedule.",
                code="already_held",
            )
        _close_open_rounds(program, now)
        people = pool_people(program=program, on=on)
        if len(people) < 2:
            raise ValidationError(
                "Fewer than two people are in the pool right now, so there is nobody to pair.",
                code="pool_too_small",
            )
        inputs = engine_inputs(program=program, people=people, on=on, now=now)
        groups, unmatched, method = _groups_for(program, inputs, on, plan_ahead=announce)
        try:
            with transaction.atomic():
                made = Round.objects.create(
                    program=program,
                    held_on=on,
                    announced_at=now,
                    trigger=trigger,
                    started_by=started_by,
                    method=method[:40],
                    unmatched_count=len(unmatched),
                )
        except IntegrityError as exc:  # a racing run of the same date won
            raise RoundAlreadyHeld("This round was just announced.", code="already_held") from exc
        program.save(update_fields=["plan"])
        _store_groups(made, program, people, inputs, groups, now, announce=announce)
    return made


def _store_groups(
    made: Round,
    program: Program,
    people: Sequence[Person],
    inputs: EngineInputs,
    groups: Sequence[Sequence[int]],
    now: datetime,
    *,
    announce: bool,
) -> None:
    by_id = {p.pk: p for p in people}
    lunch = program.kind == Kind.LUNCH
    minutes = 60 if lunch else 30
    rows = []
    for number, members in enumerate(groups, start=1):
        times = suggest_times(
            [Hours.of(by_id[m]) for m in members], after=now, minutes=minutes, lunch=lunch
        )
        rows.append(
            Group(
                round=made,
                number=number,
                minutes=minutes,
                suggested_times=[t.astimezone(UTC).isoformat() for t in times],
            )
        )
    Group.objects.bulk_create(rows)
    saved = list(Group.objects.filter(round=made).order_by("number"))
    members_rows = []
    announcements = []
    for group, members in zip(saved, groups, strict=True):
        for m in members:
            others = [by_id[o] for o in members if o != m]
            reasons = reasons_for(
                by_id[m],
                others,
                ties=inputs.ties,
                team_names=inputs.team_names,
                own_skills=inputs.own_skills,
                shown_skills=inputs.shown_skills,
            )
            members_rows.append(
                GroupMember(group=group, person_id=m, introduction=[asdict(r) for r in reasons])
            )
            announcements.append((group, by_id[m], others, reasons))
    GroupMember.objects.bulk_create(members_rows)
    if not announce:
        return
    for group, person, others, reasons in announcements:
        _announce(made, group, person, others, reasons)


@dataclass(frozen=True)
class Reason:
    """Why two people were matched, as one recipient may see it."""

    other_id: int
    tie: str  # "new", "light" or "known": the recipient's own tie to the other
    other_team: str
    my_team: str
    location: str
    # Skills both listed on the help board: the recipient's own, and the other's as the
    # board shows them to everyone.
    shared_skills: tuple[str, ...] = ()


def reasons_for(
    person: Person,
    others: Sequence[Person],
    *,
    ties: dict[tuple[int, int], float],
    team_names: dict[int, str],
    own_skills: dict[int, frozenset[str]] | None = None,
    shown_skills: dict[int, frozenset[str]] | None = None,
) -> list[Reason]:
    """Only what the recipient may see: their own ties, people's teams and locations, and
    skills they listed that the other shows on the help board."""
    mine = (own_skills or {}).get(person.pk, frozenset())
    shown = shown_skills or {}
    out = []
    for other in others:
        strength = ties.get(engine.pair(person.pk, other.pk), 0.0)
        tie = "new" if strength < LIGHT_TIE else "light" if strength < STRONG_TIE else "known"
        out.append(
            Reason(
                other_id=other.pk,
                tie=tie,
                other_team=team_names.get(other.pk, ""),
                my_team=team_names.get(person.pk, ""),
                location=other.location,
                shared_skills=tuple(sorted(mine & shown.get(other.pk, frozenset()))[:3]),
            )
        )
    return out


def introduction_text(program: Program, others: Sequence[Person], reasons: Sequence[Reason]) -> str:
    """A warm sentence or two about why these people were put together."""
    names = [o.display_name for o in others]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"
    activity = "lunch" if program.kind == Kind.LUNCH else "a virtual coffee"
    parts = [f"Say hello to {who} for {activity}."]
    new = [r for r in reasons if r.tie == "new"]
    if len(new) == len(reasons):
        parts.append("You have hardly worked together yet, which is exactly the point.")
    elif new:
        parts.append("Some of you have hardly worked together yet.")
    teams = {r.other_team for r in reasons if r.other_team and r.other_team != r.my_team}
    if teams:
        parts.append(f"You'll meet someone from {', '.join(sorted(teams))}.")
    skills = sorted({skill for r in reasons for skill in r.shared_skills})
    if skills:
        parts.append(f"You share an interest in {_and_list(skills[:3])}: a good place to start.")
    if program.kind == Kind.LUNCH and reasons and reasons[0].location:
        parts.append(f"You're all at {reasons[0].location}.")
    return " ".join(parts)


def _and_list(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" and {words[-1]}"


def _announce(
    made: Round, group: Group, person: Person, others: list[Person], reasons: list[Reason]
) -> None:
    program = made.program
    body = introduction_text(program, others, reasons)
    if group.suggested_times:
        tz = person.tz
        times = ", ".join(
            datetime.fromisoformat(t).astimezone(tz).strftime("%a %d %b %H:%M")
            for t in group.suggested_times
        )
        body += f" You're all free {times} (your time)."
    else:
        body += " Your working hours barely overlap this week: find a time that suits you all."
    notify(
        recipient=person,
        type=NotificationType.PAIRING_MATCH,
        title=f"{program.name}: meet your group",
        body=body,
        url=reverse("pairing:round_detail", args=[made.pk]),
        dedupe_key=f"pairing-round-{made.pk}",
    )


def _close_open_rounds(program: Program, now: datetime) -> None:
    """Count silence: whoever never answered an earlier round has ignored it."""
    open_rounds = list(Round.objects.filter(program=program, closed_at__isnull=True))
    if not open_rounds:
        return
    silent = list(
        GroupMember.objects.filter(group__round__in=open_rounds, answer="")
        .values_list("person_id", flat=True)
        .distinct()
    )
    answered = set(
        GroupMember.objects.filter(group__round__in=open_rounds)
        .exclude(answer="")
        .values_list("person_id", flat=True)
    )
    silent = [p for p in silent if p not in answered]
    # An answer ends a silence: "three rounds in a row" counts from the last answer.
    Participation.objects.filter(program=program, person_id__in=answered).update(ignored_rounds=0)
    existing = {
        p.person_id: p for p in Participation.objects.filter(program=program, person_id__in=silent)
    }
    to_create: list[Participation] = []
    to_update: list[Participation] = []
    newly_asked: list[int] = []
    for person_id in silent:
        choice = existing.get(person_id) or Participation(
            program=program, person_id=person_id, opted_in=True
        )
        choice.ignored_rounds += 1
        if choice.ignored_rounds >= IGNORED_BEFORE_ASKING and not choice.needs_opt_back_in:
            choice.needs_opt_back_in = True
            newly_asked.append(person_id)
        choice.updated_at = now
        (to_update if choice.pk else to_create).append(choice)
    Participation.objects.bulk_create(to_create)
    Participation.objects.bulk_update(
        to_update, ["ignored_rounds", "needs_opt_back_in", "updated_at"]
    )
    Round.objects.filter(pk__in=[r.pk for r in open_rounds]).update(closed_at=now)
    for person in Person.objects.filter(pk__in=newly_asked):
        notify(
            recipient=person,
            type=NotificationType.PAIRING_FOLLOW_UP,
            title=f"Still up for {program.name}?",
            body=(
                "We haven't heard from you for a few rounds, so we've left you out for now. "
                "Join again whenever you like: one click on the programme's page."
            ),
            url=reverse("pairing:program_detail", args=[program.pk]),
            dedupe_key=f"pairing-opt-back-in-{program.pk}-{now:%Y%m%d}",
        )


def rounds_due_run(*, now: datetime | None = None) -> int:
    """Announce every programme whose round is due now (the periodic task). Idempotent."""
    now = now or timezone.now()
    made = 0
    for program in Program.objects.active().order_by("pk"):
        on = round_due_on(
            now,
            cadence=program.cadence,
            weekday=program.announce_weekday,
            hour=program.announce_hour,
            time_zone=program.time_zone,
        )
        if on is None or Round.objects.filter(program=program, held_on=on).exists():
            continue
        try:
            round_run(program=program, on=on, now=now)
        except ValidationError:
            continue  # already held, pool too small or paused meanwhile: nothing to do
        except Exception:  # one programme's failure must not hold back the others
            logger.exception("Pairing round for programme %s failed", program.pk)
            continue
        made += 1
    return made


def round_run_now(*, program: Program, actor: Person, now: datetime | None = None) -> Round:
    """The programme owner's "start a round now" (the demo's button)."""
    now = now or timezone.now()
    on = now.astimezone(program.tz).date()
    return round_run(
        program=program, on=on, trigger=Round.Trigger.MANUAL, started_by=actor, now=now
    )


def follow_ups_send(*, now: datetime | None = None) -> int:
    """Ask "did you meet?" once per round, some days after its announcement."""
    now = now or timezone.now()
    sent = 0
    for made in Round.objects.filter(follow_up_sent_at__isnull=True).select_related("program"):
        if made.announced_at + FOLLOW_UP_AFTER[made.program.cadence] > now:
            continue
        with transaction.atomic():
            claimed = Round.objects.filter(pk=made.pk, follow_up_sent_at__isnull=True).update(
                follow_up_sent_at=now
            )
            if not claimed:
                continue
            waiting = GroupMember.objects.filter(group__round=made, answer="").select_related(
                "person"
            )
            for member in waiting:
                notify(
                    recipient=member.person,
                    type=NotificationType.PAIRING_FOLLOW_UP,
                    title=f"{made.program.name}: did you meet?",
                    body="One click tells us, and helps the next round go even better.",
                    url=reverse("pairing:round_detail", args=[made.pk]),
                    dedupe_key=f"pairing-follow-up-{made.pk}",
                )
                sent += 1
    return sent


def group_answer(
    *, person: Person, group: Group, answer: str, now: datetime | None = None
) -> GroupMember:
    """Record the person's "did you meet?"; "we met" writes MET to the ledger, once a pair."""
    if answer not in Answer.values:
        raise ValidationError({"answer": "Answer 'met' or 'not_met'."})
    now = now or timezone.now()
    with transaction.atomic():
        member = GroupMember.objects.select_for_update().filter(group=group, person=person).first()
        if member is None:
            raise PermissionDenied("Only the group's members answer for it.")
        if member.answer == Answer.MET and answer != Answer.MET:
            raise ValidationError(
                {"answer": "You already told us you met, and it's in your history."}
            )
        member.answer = answer
        member.answered_at = now
        member.save(update_fields=["answer", "answered_at"])
        Participation.objects.filter(program=group.round.program, person=person).update(
            ignored_rounds=0
        )
        if answer == Answer.MET:
            others = Person.objects.filter(
                pk__in=GroupMember.objects.filter(group=group)
                .exclude(person=person)
                .values("person_id")
            ).select_related("organization")
            for other in others:
                first, second = (person, other) if person.pk < other.pk else (other, person)
                interaction_record(
                    actor=first, other=second, kind=LedgerKind.MET, occurred_at=now, source=group
                )
    return member


# --- buddies --------------------------------------------------------------------------------


def _needing_buddies(organization: Any, today: date) -> list[tuple[Person, str, date]]:
    people = Person.objects.in_organization(organization).filter(erased_at__isnull=True)
    joiners = people.filter(
        status=Person.Status.ACTIVE,
        start_date__gte=today - timedelta(days=NEW_JOINER_DAYS),
        start_date__lte=today + timedelta(days=7),
    )
    returners = people.filter(status=Person.Status.RETURNING)
    had = Buddy.objects.filter(organization=organization)
    joined_with = set(
        had.filter(reason=Buddy.Reason.NEW_JOINER).values_list("newcomer_id", flat=True)
    )
    returned_with = set(
        had.filter(
            reason=Buddy.Reason.RETURNING,
            started_on__gte=today - timedelta(days=RETURN_BUDDY_GAP_DAYS),
        ).values_list("newcomer_id", flat=True)
    )
    out = [
        (p, Buddy.Reason.NEW_JOINER.value, max(today, p.start_date or today))
        for p in joiners.order_by("pk")
        if p.pk not in joined_with
    ]
    out += [
        (p, Buddy.Reason.RETURNING.value, today)
        for p in returners.order_by("pk")
        if p.pk not in returned_with
    ]
    return out


def buddy_candidates(*, newcomer: Person, on: date, exclude: Iterable[int] = ()) -> list[Person]:
    """Good buddies for the newcomer, best first.

    Active, settled in (not new themselves), not their manager or report, sharing working
    hours, not buddying MAX_BUDDIES people already; the weakest tie first (a buddy widens
    someone's circle), then the same location, then the fewest current buddies.
    """
    organization = newcomer.organization
    busy: dict[int, int] = defaultdict(int)
    for pk in (
        Buddy.objects.in_organization(organization).active(on).values_list("buddy_id", flat=True)
    ):
        busy[pk] += 1
    people = (
        Person.objects.in_organization(organization)
        .filter(status=Person.Status.ACTIVE, erased_at__isnull=True)
        .exclude(pk__in=[newcomer.pk, newcomer.manager_id or 0, *exclude])
        .exclude(manager=newcomer)
        .exclude(start_date__gt=on - timedelta(days=90))
    )
    mine = availability_mask(Hours.of(newcomer), on)
    # The newcomer's own ties only (one aggregate over their interactions, not the org's).
    ties = {
        t.person.pk: t.strength
        for t in person_ties(person=newcomer, as_of=timezone.now(), limit=NEWCOMER_TIES)
    }
    fits = [
        p
        for p in people
        if busy[p.pk] < MAX_BUDDIES
        and (mine & availability_mask(Hours.of(p), on)).bit_count() >= MIN_SHARED_HOURS
    ]
    fits.sort(
        key=lambda p: (
            round(ties.get(p.pk, 0.0), 1),
            p.location != newcomer.location,
            busy[p.pk],
            p.pk,
        )
    )
    return fits


def buddy_assign(
    *,
    newcomer: Person,
    reason: str,
    started_on: date,
    buddy: Person | None = None,
    actor: Person | None = None,
) -> Buddy | None:
    """Give the newcomer a buddy (the best candidate unless one is named); None if nobody fits."""
    if buddy is None:
        candidates = buddy_candidates(newcomer=newcomer, on=started_on)
        if not candidates:
            return None
        buddy = candidates[0]
    with transaction.atomic():
        pairing, created = Buddy.objects.get_or_create(
            newcomer=newcomer,
            reason=reason,
            started_on=started_on,
            defaults={
                "organization": newcomer.organization,
                "buddy": buddy,
                "ends_on": started_on + timedelta(days=BUDDY_DAYS),
                "assigned_by": actor,
            },
        )
        if not created:
            return pairing
        BuddyCheckIn.objects.bulk_create(
            [
                BuddyCheckIn(pairing=pairing, week=w, due_on=started_on + timedelta(days=7 * w))
                for w in BUDDY_WEEKS
            ]
        )
        _tell_buddies(pairing)
    return pairing


def _tell_buddies(pairing: Buddy) -> None:
    newcomer, buddy = pairing.newcomer, pairing.buddy
    url = reverse("pairing:home")
    welcome = "Welcome aboard!" if pairing.reason == Buddy.Reason.NEW_JOINER else "Welcome back!"
    notify(
        recipient=newcomer,
        type=NotificationType.BUDDY,
        title=f"{welcome} {buddy.display_name} is your buddy",
        body=(
            f"{buddy.display_name} will be around for your first weeks: questions big or small, "
            "a coffee, who to ask about what. We'll nudge you both to catch up in weeks 1, 2 and 4."
        ),
        url=url,
        dedupe_key=f"pairing-buddy-{pairing.pk}-{buddy.pk}",
    )
    what = "joining us" if pairing.reason == Buddy.Reason.NEW_JOINER else "back from leave"
    notify(
        recipient=buddy,
        type=NotificationType.BUDDY,
        title=f"You're {newcomer.display_name}'s buddy",
        body=(
            f"{newcomer.display_name} is {what}. Say hello this week and be the friendly "
            "face they can ask anything. We'll remind you both in weeks 1, 2 and 4."
        ),
        url=url,
        dedupe_key=f"pairing-buddy-{pairing.pk}-{buddy.pk}",
    )


def buddies_assign(*, organization: Any = None, today: date | None = None) -> int:
    """Buddies for every new joiner and returner who has none yet (the periodic task)."""
    from rapport.people.models import Organization

    today = today or timezone.localdate()
    organizations = [organization] if organization is not None else Organization.objects.all()
    made = 0
    for org in organizations:
        for newcomer, reason, started_on in _needing_buddies(org, today):
            if buddy_assign(newcomer=newcomer, reason=reason, started_on=started_on):
                made += 1
    return made


def buddies_assigned_message(made: int) -> str:
    if made:
        return (
            f"{made} new buddy pairing{'s' if made != 1 else ''} made: both sides have been told."
        )
    return "Every new joiner and returner already has a buddy."


def buddy_reassign(*, actor: Person, pairing: Buddy, buddy: Person) -> Buddy:
    """An org admin gives the newcomer a different buddy for the rest of the weeks."""
    if not actor.is_org_admin or actor.organization_id != pairing.organization_id:
        raise PermissionDenied("Only the people team can change buddies.")
    if buddy.organization_id != pairing.organization_id or buddy.erased_at is not None:
        raise ValidationError({"buddy": "Choose a colleague from your own organisation."})
    if buddy.pk == pairing.newcomer_id:
        raise ValidationError({"buddy": "Someone can't be their own buddy."})
    if buddy.status != Person.Status.ACTIVE:
        raise ValidationError({"buddy": "Choose someone who is at work now."})
    if buddy.pk == pairing.newcomer.manager_id:
        raise ValidationError({"buddy": "A buddy is someone other than their manager."})
    if buddy.pk == pairing.buddy_id:
        return pairing
    with transaction.atomic():
        pairing.buddy = buddy
        pairing.assigned_by = actor
        pairing.save(update_fields=["buddy", "assigned_by"])
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.BUDDY_REASSIGNED,
            target=pairing.newcomer,
            details={"buddy_id": buddy.pk},
        )
        _tell_buddies(pairing)
    return pairing


def buddy_check_ins_send(*, today: date | None = None) -> int:
    """The week 1, 2 and 4 nudges to both buddies (the periodic task). Idempotent."""
    today = today or timezone.localdate()
    due = BuddyCheckIn.objects.filter(
        sent_at__isnull=True, due_on__lte=today, pairing__ended_early_at__isnull=True
    ).select_related("pairing__newcomer", "pairing__buddy")
    sent = 0
    for check_in in due:
        with transaction.atomic():
            if not BuddyCheckIn.objects.filter(pk=check_in.pk, sent_at__isnull=True).update(
                sent_at=timezone.now()
            ):
                continue
            pairing = check_in.pairing
            for me, them in ((pairing.newcomer, pairing.buddy), (pairing.buddy, pairing.newcomer)):
                notify(
                    recipient=me,
                    type=NotificationType.BUDDY,
                    title=f"Week {check_in.week}: catch up with {them.display_name}",
                    body=(
                        "Fifteen minutes is plenty: how are things going, what's been "
                        "confusing, what's been good?"
                    ),
                    url=reverse("pairing:home"),
                    dedupe_key=f"pairing-buddy-check-in-{check_in.pk}",
                )
            sent += 1
    return sent
