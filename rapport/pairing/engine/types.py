"""The engine's vocabulary: who takes part, what may never happen, what happened before.

Plain data, no Django: the app layer builds these from its models and stores the result.
People are identified by any distinct integers (database ids in the app, 0..n-1 in the
command and the benchmarks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

TeamMode = Literal["any", "cross", "within"]
Pair = tuple[int, int]


def pair(a: int, b: int) -> Pair:
    """The canonical (smaller, larger) form of an unordered pair."""
    return (a, b) if a < b else (b, a)


@dataclass(slots=True)
class Participant:
    id: int
    team: str | None = None
    # Attributes a group may have to share, e.g. {"location": "London"} for in-person lunch.
    attributes: Mapping[str, str] = field(default_factory=dict)
    # Weekly working hours as a bitmask of UTC hour slots (bit h = hour h of the week,
    # 0..167); None means "always available".
    availability: int | None = None


@dataclass(slots=True)
class Constraints:
    # Pairs that must never share a group: manager and report, "don't pair me with".
    forbidden_pairs: frozenset[Pair] = frozenset()
    # Attribute names every member of a group must share (e.g. ("location",)).
    must_share: tuple[str, ...] = ()
    # A group's members must have at least this many common availability slots (0: unchecked).
    min_common_slots: int = 0
    # "any": teams ignored; "cross": prefer members of different teams (soft);
    # "within": every member of a group from the same team (hard).
    team_mode: TeamMode = "any"

    @classmethod
    def build(
        cls,
        *,
        forbidden_pairs: Iterable[tuple[int, int]] = (),
        must_share: Sequence[str] = (),
        min_common_slots: int = 0,
        team_mode: TeamMode = "any",
    ) -> Constraints:
        return cls(
            forbidden_pairs=frozenset(pair(a, b) for a, b in forbidden_pairs if a != b),
            must_share=tuple(must_share),
            min_common_slots=min_common_slots,
            team_mode=team_mode,
        )


Group = tuple[int, ...]


@dataclass(slots=True)
class PastRound:
    held_on: date
    groups: Sequence[Sequence[int]]


@dataclass(slots=True)
class History:
    rounds: list[PastRound] = field(default_factory=list)
    # A repeat costs 1 when the pair met in the most recent round and halves every
    # `half_life_days` before that: recent repeats cost more than old ones.
    half_life_days: float = 60.0

    def pair_costs(self, as_of: date | None = None) -> dict[Pair, float]:
        """Cost of each pair that already met, summed over its meetings."""
        if not self.rounds:
            return {}
        today = as_of or max(r.held_on for r in self.rounds)
        costs: dict[Pair, float] = {}
        for past in self.rounds:
            age = max(0, (today - past.held_on).days)
            weight = 0.5 ** (age / self.half_life_days)
            for group in past.groups:
                members = sorted(group)
                for i, a in enumerate(members):
                    for b in members[i + 1 :]:
                        costs[(a, b)] = costs.get((a, b), 0.0) + weight
        return costs


@dataclass(slots=True)
class Round:
    groups: list[Group]
    # People who could not be placed without breaking a constraint (e.g. alone in their
    # location): never silently put in a group of one.
    unmatched: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    rounds: list[Round]
    # How the plan was made: "round-robin", "affine", "kirkman", "doubled-spreads",
    # "local-search" or "greedy".
    method: str = ""

    def as_lists(self) -> list[list[list[int]]]:
        return [[list(g) for g in r.groups] for r in self.rounds]
