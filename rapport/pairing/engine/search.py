"""Whole-schedule local search: plan every round at once, then swap people between groups
of the same round until no pair meets twice (or the budget runs out).

A tabu search in the style of Dotú and Van Hentenryck's for the Social Golfer Problem,
generalised to the engine's costs: the cost of a schedule is the number of meetings of a
pair beyond its first, plus, for every meeting, the pair's `pair_cost` (history of recent
meetings, strong ties; forbidden pairs a prohibitive amount). Only swaps between two
groups of one round are made, so group sizes never change, and a swap that would break a
group rule (`group_ok`) is never taken.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

GroupCheck = Callable[[Sequence[int]], bool]


def schedule_cost(schedule: Sequence[Sequence[Sequence[int]]], pair_cost: np.ndarray) -> float:
    n = pair_cost.shape[0]
    meetings = _meetings(schedule, n)
    upper = np.triu_indices(n, 1)
    met = meetings[upper]
    return float(np.maximum(met - 1, 0).sum() + (pair_cost[upper] * met).sum())


def _meetings(schedule: Sequence[Sequence[Sequence[int]]], n: int) -> np.ndarray:
    meetings = np.zeros((n, n), dtype=np.int64)
    for groups in schedule:
        for group in groups:
            idx = np.asarray(group)
            meetings[np.ix_(idx, idx)] += 1
    np.fill_diagonal(meetings, 0)
    return meetings


def improve_schedule(
    schedule: Sequence[Sequence[Sequence[int]]],
    n: int,
    *,
    seed: int,
    pair_cost: np.ndarray | None = None,
    group_ok: GroupCheck | None = None,
    max_iterations: int = 20_000,
    target_cost: float = 0.0,
    tenure: int = 8,
    patience: int = 300,
) -> list[list[tuple[int, ...]]]:
    """The best schedule found from `schedule` (people 0..n-1, same group sizes).

    Deterministic for a seed: the budget is counted in iterations, not seconds.
    """
    rng = np.random.default_rng(seed)
    weeks = len(schedule)
    costs = np.zeros((n, n)) if pair_cost is None else np.asarray(pair_cost, dtype=float)
    # group_of[r, person] and members[r][g] describe the current schedule.
    members = [[list(g) for g in groups] for groups in schedule]
    group_of = np.full((weeks, n), -1, dtype=np.int64)
    for r, groups in enumerate(members):
        for g, group in enumerate(groups):
            group_of[r, group] = g
    meetings = _meetings(members, n)
    scheduled = group_of >= 0  # people left out of a round never move

    def total() -> float:
        return schedule_cost(members, costs)

    current = total()
    best, best_members = current, [[tuple(g) for g in groups] for groups in members]
    tabu = np.zeros((weeks, n, n), dtype=np.int64)
    stall = 0
    for iteration in range(1, max_iterations + 1):
        if best <= target_cost:
            break
        met_once = (meetings >= 1) + costs
        met_twice = (meetings >= 2) + costs
        choice = None
        for r in rng.permutation(weeks):
            same = group_of[r][:, None] == group_of[r][None, :]
            same &= scheduled[r][:, None] & scheduled[r][None, :]
            inside = (met_twice * same).sum(axis=1)  # what a person's pairs cost now
            conflicted = np.flatnonzero((inside > 1e-12) & scheduled[r])
            if conflicted.size == 0:
                continue
            together = _group_sums(met_once, group_of[r], scheduled[r])
            delta = (
                together[conflicted]
                + together.T[conflicted]
                - 2 * met_once[conflicted]
                - inside[conflicted][:, None]
                - inside[None, :]
            )
            delta[same[conflicted] | ~scheduled[r][None, :]] = np.inf
            allowed = (tabu[r][conflicted] < iteration) | (current + delta < best - 1e-9)
            delta[~allowed] = np.inf
            delta += rng.random(delta.shape) * 1e-6  # ties broken at random, reproducibly
            for flat in np.argsort(delta, axis=None)[:32]:
                i, b = divmod(int(flat), n)
                value = float(delta[i, b])
                if not np.isfinite(value) or (choice is not None and value >= choice[0]):
                    break
                a = int(conflicted[i])
                if group_ok is not None and not _swap_ok(members[r], group_of[r], a, b, group_ok):
                    continue
                choice = (value, int(r), a, b)
                break
        if choice is None:
            stall += 1000  # nothing allowed: perturb at once
        else:
            value, r, a, b = choice
            _swap(members[r], group_of[r], meetings, a, b)
            tabu[r, a, b] = tabu[r, b, a] = iteration + tenure + int(rng.integers(0, tenure))
            current += value
            if current < best - 1e-9:
                best, stall = current, 0
                best_members = [[tuple(g) for g in groups] for groups in members]
            else:
                stall += 1
        if stall > patience and iteration < max_iterations:
            # Stuck: restart from the best schedule with a few random swaps.
            members = [[list(g) for g in groups] for groups in best_members]
            for r, groups in enumerate(members):
                for g, group in enumerate(groups):
                    group_of[r, group] = g
            meetings = _meetings(members, n)
            for _ in range(max(2, n // 8)):
                r = int(rng.integers(weeks))
                people = np.flatnonzero(scheduled[r])
                a, b = (int(x) for x in rng.choice(people, size=2, replace=False))
                if group_of[r, a] != group_of[r, b] and (
                    group_ok is None or _swap_ok(members[r], group_of[r], a, b, group_ok)
                ):
                    _swap(members[r], group_of[r], meetings, a, b)
            current, stall = total(), 0
            if current < best - 1e-9:
                best = current
                best_members = [[tuple(g) for g in groups] for groups in members]
    return best_members


def _group_sums(matrix: np.ndarray, group_of: np.ndarray, scheduled: np.ndarray) -> np.ndarray:
    """together[x, a] = sum of matrix[x, y] over the members y of a's group.

    By sums over sorted columns rather than a matrix product: small BLAS products can
    stall on thread hand-offs, and this is also fewer operations.
    """
    groups = np.where(scheduled, group_of, group_of.max() + 1)
    order = np.argsort(groups, kind="stable")
    starts = np.flatnonzero(np.r_[True, groups[order][1:] != groups[order][:-1]])
    sums = np.add.reduceat(matrix[:, order], starts, axis=1)
    position = np.searchsorted(groups[order][starts], groups)
    return sums[:, position]


def _swap_ok(
    groups: list[list[int]], group_of: np.ndarray, a: int, b: int, group_ok: GroupCheck
) -> bool:
    ga, gb = groups[group_of[a]], groups[group_of[b]]
    return group_ok([b if x == a else x for x in ga]) and group_ok([a if x == b else x for x in gb])


def _swap(
    groups: list[list[int]], group_of: np.ndarray, meetings: np.ndarray, a: int, b: int
) -> None:
    ga, gb = int(group_of[a]), int(group_of[b])
    for x in groups[ga]:
        if x != a:
            meetings[a, x] -= 1
            meetings[x, a] -= 1
            meetings[b, x] += 1
            meetings[x, b] += 1
    for y in groups[gb]:
        if y != b:
            meetings[b, y] -= 1
            meetings[y, b] -= 1
            meetings[a, y] += 1
            meetings[y, a] += 1
    groups[ga][groups[ga].index(a)] = b
    groups[gb][groups[gb].index(b)] = a
    group_of[a], group_of[b] = gb, ga
