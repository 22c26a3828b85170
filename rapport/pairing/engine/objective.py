"""What a good round is, measured: constraint violations, repeated pairs, weak-tie score.

The engine optimises these and the tests and benchmarks check them with the same code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from .types import Constraints, Pair, Participant, pair


def group_pairs(group: Iterable[int]) -> Iterable[Pair]:
    return (pair(a, b) for a, b in combinations(group, 2))


def weakness(strength: float) -> float:
    """How weak a tie is, in (0, 1]: strangers score 1, the strongest ties near 0."""
    return 1.0 / (1.0 + max(0.0, strength))


class Rules:
    """The hard constraints, compiled for quick checks of one group at a time."""

    def __init__(self, participants: Sequence[Participant], constraints: Constraints) -> None:
        self.constraints = constraints
        self.by_id = {p.id: p for p in participants}
        self.forbidden = constraints.forbidden_pairs

    def group_violations(self, group: Sequence[int]) -> int:
        """How many rules the group breaks (0 for a valid group)."""
        c = self.constraints
        people = [self.by_id[i] for i in group]
        count = sum(1 for p in group_pairs(group) if p in self.forbidden)
        for name in c.must_share:
            if len({p.attributes.get(name) for p in people}) > 1:
                count += 1
        if c.team_mode == "within" and len({p.team for p in people}) > 1:
            count += 1
        if c.min_common_slots > 0:
            common = -1  # all bits set
            for p in people:
                if p.availability is not None:
                    common &= p.availability
            if common != -1 and common.bit_count() < c.min_common_slots:
                count += 1
        return count


def count_violations(
    groups: Iterable[Sequence[int]],
    participants: Sequence[Participant],
    constraints: Constraints,
) -> int:
    rules = Rules(participants, constraints)
    return sum(rules.group_violations(g) for g in groups)


def count_repeats(
    rounds: Iterable[Iterable[Sequence[int]]], already_met: Iterable[Pair] = ()
) -> int:
    """Meetings of a pair beyond its first, across the rounds (and against `already_met`)."""
    seen = set(already_met)
    repeats = 0
    for groups in rounds:
        for group in groups:
            for p in group_pairs(group):
                if p in seen:
                    repeats += 1
                seen.add(p)
    return repeats


def rounds_before_repeat(rounds: Sequence[Iterable[Sequence[int]]]) -> int:
    """How many rounds, from the first, pass before any pair meets a second time."""
    seen: set[Pair] = set()
    for index, groups in enumerate(rounds):
        pairs = [p for group in groups for p in group_pairs(group)]
        if any(p in seen for p in pairs) or len(set(pairs)) < len(pairs):
            return index
        seen.update(pairs)
    return len(rounds)


def weak_tie_score(groups: Iterable[Sequence[int]], ties: Mapping[Pair, float]) -> float:
    """Sum of `weakness` over every pair that shares a group: higher is better."""
    return sum(weakness(ties.get(p, 0.0)) for g in groups for p in group_pairs(g))


def different_team_pairs(groups: Iterable[Sequence[int]], team_of: Mapping[int, str | None]) -> int:
    return sum(1 for g in groups for a, b in group_pairs(g) if team_of.get(a) != team_of.get(b))


def is_partition(groups: Iterable[Sequence[int]], people: Iterable[int]) -> bool:
    members = [m for g in groups for m in g]
    return len(members) == len(set(members)) and set(members) == set(people)
