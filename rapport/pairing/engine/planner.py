"""Plans of many rounds.

Small pools (up to `SMALL_POOL` people) are planned as whole schedules: a combinatorial
design when one fits and nothing else constrains the plan, otherwise a round-by-round
start improved by whole-schedule local search (which also re-plans from the history when
the pool changes). Large pools are planned one round after another, each round avoiding
the pairs of all rounds before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import combinations

import numpy as np

from .designs import construction
from .objective import Rules, count_repeats
from .round import compile_problem, make_round
from .search import improve_schedule
from .types import (
    Constraints,
    Group,
    History,
    Pair,
    Participant,
    PastRound,
    Plan,
    Round,
    pair,
)

SMALL_POOL = 150
ROUND_INTERVAL_DAYS = 7  # planned rounds are this far apart, for the recency of repeats
FORBIDDEN_COST = 1e6


def plan_rounds(
    participants: Sequence[Participant],
    group_size: int,
    rounds: int,
    *,
    constraints: Constraints | None = None,
    history: History | None = None,
    ties: Mapping[Pair, float] | None = None,
    seed: int = 0,
    start: date | None = None,
    search_iterations: int | None = None,
) -> Plan:
    """`rounds` rounds of groups of about `group_size`, in order."""
    if rounds < 1:
        return Plan(rounds=[], method="")
    constraints = constraints or Constraints()
    history = history or History()
    n = len(participants)
    unconstrained = (
        not constraints.forbidden_pairs
        and not constraints.must_share
        and constraints.min_common_slots == 0
        and constraints.team_mode == "any"
        and not history.rounds
        and not ties
    )
    rng = np.random.default_rng(seed)
    prefix: list[Round] = []
    method = ""
    if unconstrained and n <= SMALL_POOL:
        found = construction(n, group_size)
        if found is not None:
            method, schedule = found
            # A seeded relabelling: the same structure, different people together.
            label = [participants[int(i)].id for i in rng.permutation(n)]
            prefix = [
                Round(groups=[tuple(sorted(label[m] for m in g)) for g in groups])
                for groups in schedule[:rounds]
            ]
            if len(prefix) == rounds:
                return Plan(rounds=prefix, method=method)

    first_day = start or (
        max(r.held_on for r in history.rounds) + timedelta(days=ROUND_INTERVAL_DAYS)
        if history.rounds
        else date(2000, 1, 3)
    )
    days = [first_day + timedelta(days=ROUND_INTERVAL_DAYS * k) for k in range(rounds)]
    if prefix:
        # Past the design some pair must meet again: continue round by round with the
        # design as history, so the oldest meetings repeat first.
        past = History(rounds=[PastRound(d, r.groups) for d, r in zip(days, prefix, strict=False)])
        rest = _round_by_round(
            participants, group_size, days[len(prefix) :], constraints, past, ties, seed
        )
        return Plan(rounds=prefix + rest, method=f"{method}+greedy")

    if unconstrained and n <= SMALL_POOL:
        return Plan(
            rounds=_grown(participants, group_size, days, seed, search_iterations),
            method="local-search",
        )
    greedy = _round_by_round(participants, group_size, days, constraints, history, ties, seed)
    if n > SMALL_POOL:
        return Plan(rounds=greedy, method="greedy")
    return Plan(
        rounds=_repeat_free_first(
            _whole_schedule(
                participants, greedy, days, constraints, history, ties, seed, search_iterations
            )
        ),
        method="local-search",
    )


def _grown(
    participants: Sequence[Participant],
    group_size: int,
    days: list[date],
    seed: int,
    search_iterations: int | None,
) -> list[Round]:
    """A schedule grown one round at a time, re-searched whole after each new round.

    With nothing but repeats to avoid, this keeps the longest repeat-free start found:
    once a new round cannot be added without a repeat, the rest is planned round by
    round with everything before as history (the oldest meetings repeat first).
    """
    n = len(participants)
    index_of = {p.id: i for i, p in enumerate(participants)}
    budget = search_iterations or 4000
    schedule: list[list[tuple[int, ...]]] = []
    for k in range(len(days)):
        past = History(
            rounds=[PastRound(days[j], _ids(participants, g)) for j, g in enumerate(schedule)]
        )
        made = make_round(participants, group_size, history=past, seed=seed * 1_000_003 + k)
        candidate = [*schedule, [tuple(index_of[m] for m in g) for g in made.groups]]
        if count_repeats(candidate):
            candidate = improve_schedule(candidate, n, seed=seed + k, max_iterations=budget)
        if count_repeats(candidate):
            break
        schedule = candidate
    planned = [Round(groups=_ids(participants, groups)) for groups in schedule]
    if len(planned) < len(days):
        past = History(rounds=[PastRound(d, r.groups) for d, r in zip(days, planned, strict=False)])
        planned += _round_by_round(
            participants, group_size, days[len(planned) :], Constraints(), past, None, seed
        )
    return planned


def _ids(participants: Sequence[Participant], groups: Sequence[Sequence[int]]) -> list[Group]:
    return [tuple(sorted(participants[m].id for m in g)) for g in groups]


def _round_by_round(
    participants: Sequence[Participant],
    group_size: int,
    days: list[date],
    constraints: Constraints,
    history: History,
    ties: Mapping[Pair, float] | None,
    seed: int,
) -> list[Round]:
    past = History(rounds=list(history.rounds), half_life_days=history.half_life_days)
    planned: list[Round] = []
    for k, day in enumerate(days):
        made = make_round(
            participants,
            group_size,
            constraints=constraints,
            history=past,
            ties=ties,
            seed=seed * 1_000_003 + k,
            as_of=day,
        )
        planned.append(made)
        past.rounds.append(PastRound(held_on=day, groups=made.groups))
    return planned


def _whole_schedule(
    participants: Sequence[Participant],
    greedy: list[Round],
    days: list[date],
    constraints: Constraints,
    history: History,
    ties: Mapping[Pair, float] | None,
    seed: int,
    search_iterations: int | None,
) -> list[Round]:
    n = len(participants)
    index_of = {p.id: i for i, p in enumerate(participants)}
    # What meeting costs, pair by pair, before any repeat inside the plan: history (as of
    # the plan's middle, so recency still counts), strong ties, team mates across teams.
    problem = compile_problem(
        participants, constraints, history=history, ties=ties, as_of=days[len(days) // 2]
    )
    pair_cost = np.zeros((n, n))
    scale = 0.05  # below one repeat inside the plan: a repeat costs more than any preference

    def spread(keys: np.ndarray, values: np.ndarray | float) -> None:
        a, b = np.divmod(keys, n)
        pair_cost[a, b] += values
        pair_cost[b, a] += values

    spread(problem.met_keys, problem.met_cost / 10.0)  # 1 + recency per past meeting
    spread(problem.tie_keys, scale * problem.tie_cost)
    spread(problem.forbidden, FORBIDDEN_COST)
    if problem.cross_team:
        same = (problem.team[:, None] == problem.team[None, :]) & (problem.team[:, None] >= 0)
        pair_cost += scale * 0.5 * same
    np.fill_diagonal(pair_cost, 0.0)

    rules = Rules(participants, constraints)

    def group_ok(group: Sequence[int]) -> bool:
        return rules.group_violations([participants[m].id for m in group]) == 0

    schedule = [[tuple(index_of[m] for m in g) for g in r.groups] for r in greedy]
    budget = search_iterations or max(300, min(4000, 400_000 // max(1, n * len(greedy))))
    improved = improve_schedule(
        schedule, n, seed=seed, pair_cost=pair_cost, group_ok=group_ok, max_iterations=budget
    )
    return [
        Round(
            groups=[tuple(sorted(participants[m].id for m in g)) for g in groups],
            unmatched=list(r.unmatched),
        )
        for groups, r in zip(improved, greedy, strict=True)
    ]


def _repeat_free_first(planned: list[Round]) -> list[Round]:
    """The same rounds, reordered so that as many as possible come before a repeat."""
    remaining = list(planned)
    ordered: list[Round] = []
    seen: set[Pair] = set()
    while remaining:
        clashes = [len(_pairs(r) & seen) for r in remaining]
        pick = clashes.index(min(clashes))
        ordered.append(remaining.pop(pick))
        seen |= _pairs(ordered[-1])
    return ordered


def _pairs(planned: Round) -> set[Pair]:
    return {pair(a, b) for g in planned.groups for a, b in combinations(g, 2)}
