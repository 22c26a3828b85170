"""The privacy gate's rules, as a pure function: which figures about groups of people a viewer
may see. No Django here; `privacy.services` loads the viewer's history, calls `decide` and
records what it released.

Every aggregate about people (team mood, network metrics, usage, shared notes) is a value
computed from a *group*: the set of people whose data went into it, identified by person id.
The gate sees only those sets, never the data, and releases a group's value when:

1. **k distinct people.** The group has at least `k` people (the organisation's anonymity
   threshold; never below `MIN_K` = 3, whatever the caller passes).
2. **Free text from 10 people.** A text group (shared notes, comments) needs at least
   max(`TEXT_MIN_PEOPLE` = 10, k) people: a sentence is far easier to attribute than a number.
3. **No subtraction isolates fewer than k people** — neither between the groups released
   together (complementary suppression between siblings and their parent total) nor against
   anything this viewer was shown before, under any question (no "last week's team figure
   minus this week's" when one person joined).

Rule 3 in sets. Take every group the viewer has ever been shown plus the ones about to be
released, and split the organisation into *cells*: two people share a cell when they are in
exactly the same released groups (the regions of the groups' Venn diagram). Whatever a viewer
computes by adding and subtracting released totals (A - B, parent - all siblings, this week -
last week, A + B - C) weighs everyone in one cell the same, so the smallest set of people such
arithmetic can single out is a whole cell. The gate therefore keeps one invariant:

    every non-empty cell holds at least k people.

It implies what the issue asks for and more: each released group is a union of cells, so it has
0 or ≥ k people, and the difference |A Δ B| of any two released groups is a union of cells too,
so it is 0 or ≥ k; and it also covers combinations of three or more groups (the parent total
minus all released siblings), which pairwise checks miss. Figures are treated as sums: a mean
shown with its count is a sum, and a sum is the worst case for subtraction. Checking the rule is
cheap: a new group either keeps every cell whole or cuts it into two parts of ≥ k each, and the
people outside every earlier group form a new cell of 0 or ≥ k. That is one pass over the
group's members, O(|group|), after one pass over the history to build its cells.

The rule is conservative: it also refuses some combinations that linear algebra would show to
be harmless (a team that swapped k people, some of whom came from teams the viewer has also
seen). An exact check, "no 0/1 combination of fewer than k people lies in the span of the
released groups", costs a matrix elimination over the whole history and would only postpone
the same end: a viewer who keeps receiving exact figures about drifting, overlapping groups
eventually holds enough of them to solve for individuals, so any sound gate must then refuse.
Cells only ever get finer, so over months of membership drift a viewer sees fewer figures.
Callers keep figures flowing by choosing stable populations (a team's roster at the start of a
period, longer periods, figures for closed periods only), never by weakening the gate.

History spans all questions of the viewer, not one: differencing works across questions
("team mood, W47" vs "team mood, W48" are different questions about nearly the same people),
and a rule per question could be beaten by asking two questions. Another viewer's releases
are not included: the gate protects against what one person can see, not colluding viewers.

Groups released together are considered largest first (a parent total before its teams), each
against the history plus the groups already accepted in this call, so the small siblings are the
ones given up (the classic "suppress the next smallest" of complementary suppression), and the
answer is the same every time the same family is asked with the same history. A group refused
by rule 3 is reported `complementary` when the history alone would have allowed it (a sibling in
this call is the problem) and `differs_from_earlier_release` otherwise.

A suppressed group carries a reason and no number at all, not even its size, and its `compute`
function is never called. The reasons are for developers and logs; pages should show one
neutral sentence (`Suppressed.message`) so that the reason itself tells a viewer little.

If an organisation raises k, cells released under the old k stay as they were (the viewer has
already seen them); new releases must not cut any cell into parts smaller than the new k.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, Generic, TypeVar, cast

MIN_K = 3
DEFAULT_K = 5
TEXT_MIN_PEOPLE = 10

V = TypeVar("V")


class Kind(StrEnum):
    FIGURE = "figure"  # a number or a small structure of numbers (mean, counts, a histogram)
    TEXT = "text"  # free text written by the group's members


class Reason(StrEnum):
    FEWER_THAN_K = "fewer_than_k"
    COMPLEMENTARY = "complementary"
    DIFFERS_FROM_EARLIER_RELEASE = "differs_from_earlier_release"
    TEXT_NEEDS_10 = "text_needs_10"


# One neutral sentence for every reason: a page shows this, and the reason stays in logs.
SUPPRESSED_MESSAGE = "Not shown, so that no one can be singled out."


@dataclass(frozen=True, slots=True)
class Group(Generic[V]):
    """One figure to release: who it is about, and its value or how to compute it.

    `members` are the ids of every person whose data went into the value, not the team's
    roster: a team's mood for a week is about the people who checked in that week. Give the
    `value` itself, or better `compute`, a function of exactly those ids, which is called
    only when the group is released.
    """

    label: str
    members: frozenset[int]
    value: V | None = None
    kind: Kind = Kind.FIGURE
    compute: Callable[[frozenset[int]], V] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.members, frozenset):
            object.__setattr__(self, "members", frozenset(self.members))
        if self.value is not None and self.compute is not None:
            raise ValueError("Give a group's value or a function computing it, not both.")

    def released_value(self) -> V:
        if self.compute is not None:
            return self.compute(self.members)
        return cast(V, self.value)


@dataclass(frozen=True, slots=True)
class Released(Generic[V]):
    label: str
    value: V
    people: int
    released: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class Suppressed:
    label: str
    reason: Reason
    released: ClassVar[bool] = False
    message: ClassVar[str] = SUPPRESSED_MESSAGE


Result = Released[V] | Suppressed


@dataclass(frozen=True, slots=True)
class Decision(Generic[V]):
    """The gate's answer: one result per group, in the order the groups were given."""

    results: tuple[Result[V], ...]
    #: the groups released by this decision; what `privacy.services` records
    released: tuple[Group[V], ...] = field(default=())

    def by_label(self) -> dict[str, Result[V]]:
        return {result.label: result for result in self.results}


def clamp_k(k: int | None) -> int:
    """The threshold actually applied: the default when unset, never below MIN_K."""
    return DEFAULT_K if k is None else max(int(k), MIN_K)


class Cells:
    """The partition of people into cells by the released groups they are in (see module doc).

    People in no released group are in no cell. Cell ids are arbitrary ints.
    """

    __slots__ = ("_cell_of", "_next_id", "_size")

    def __init__(self) -> None:
        self._cell_of: dict[int, int] = {}
        self._size: dict[int, int] = {}
        self._next_id = 0

    @classmethod
    def from_groups(cls, groups: Iterable[Collection[int]]) -> Cells:
        """Cells of a history in one pass: people grouped by the groups they are in.

        A set given twice changes nothing but costs time; `privacy.services` passes each
        distinct set once.
        """
        signature: dict[int, list[int]] = {}
        for index, members in enumerate(groups):
            for person in members:
                groups_of_person = signature.get(person)
                if groups_of_person is None:
                    signature[person] = [index]
                else:
                    groups_of_person.append(index)
        keys = list(map(tuple, signature.values()))
        cell_ids = {key: cell for cell, key in enumerate(dict.fromkeys(keys))}
        cells = cls()
        cells._cell_of = dict(zip(signature.keys(), map(cell_ids.__getitem__, keys), strict=True))
        cells._size = dict(Counter(cells._cell_of.values()))
        cells._next_id = len(cell_ids)
        return cells

    def copy(self) -> Cells:
        other = Cells()
        other._cell_of = dict(self._cell_of)
        other._size = dict(self._size)
        other._next_id = self._next_id
        return other

    def sizes(self) -> list[int]:
        return list(self._size.values())

    def _split(self, members: frozenset[int]) -> tuple[dict[int, int], int]:
        """How many members fall in each existing cell, and how many in no cell."""
        inside: dict[int, int] = {}
        outside = 0
        cell_of = self._cell_of
        for person in members:
            cell = cell_of.get(person)
            if cell is None:
                outside += 1
            else:
                inside[cell] = inside.get(cell, 0) + 1
        return inside, outside

    def admits(self, members: frozenset[int], k: int) -> bool:
        """Would releasing `members` leave no new cell smaller than k?"""
        inside, outside = self._split(members)
        if 0 < outside < k:
            return False
        size = self._size
        for cell, count in inside.items():
            rest = size[cell] - count
            # A cell wholly inside stays as it is (even one from an older, smaller k);
            # a cell that is cut must leave k or more on both sides.
            if rest and (count < k or rest < k):
                return False
        return True

    def add(self, members: frozenset[int]) -> None:
        """Refine the cells by a released group."""
        inside, outside = self._split(members)
        cell_of, size = self._cell_of, self._size
        new_id: dict[int | None, int] = {}
        for cell, count in inside.items():
            if count != size[cell]:
                new_id[cell] = self._next_id
                size[self._next_id] = count
                size[cell] -= count
                self._next_id += 1
        if outside:
            new_id[None] = self._next_id
            size[self._next_id] = outside
            self._next_id += 1
        if not new_id:
            return
        for person in members:
            old = cell_of.get(person)
            moved = new_id.get(old)
            if moved is not None:
                cell_of[person] = moved


def decide(
    *,
    k: int,
    groups: Sequence[Group[V]],
    history: Iterable[Collection[int]] | Cells = (),
) -> Decision[V]:
    """Decide which of `groups` the viewer may see, given everything shown to them before.

    `history` is every group of people released to this viewer earlier, under any question
    (or their `Cells`, which `decide` does not modify). Labels must be unique in one call.
    """
    k = clamp_k(k)
    labels = [group.label for group in groups]
    if len(set(labels)) != len(labels):
        raise ValueError("Group labels must be unique within one release.")
    earlier = history if isinstance(history, Cells) else Cells.from_groups(history)
    cells: Cells | None = None  # earlier + accepted in this call; copied only when needed

    outcome: dict[int, Result[V]] = {}
    released: list[tuple[int, Group[V]]] = []
    # Largest first, ties in the caller's order: totals before their parts, so complementary
    # suppression gives up the small siblings; deterministic for the same input.
    for index in sorted(range(len(groups)), key=lambda i: (-len(groups[i].members), i)):
        group = groups[index]
        members = group.members
        if group.kind is Kind.TEXT and len(members) < max(TEXT_MIN_PEOPLE, k):
            outcome[index] = Suppressed(group.label, Reason.TEXT_NEEDS_10)
            continue
        if len(members) < k:
            outcome[index] = Suppressed(group.label, Reason.FEWER_THAN_K)
            continue
        current = cells if cells is not None else earlier
        if not current.admits(members, k):
            reason = (
                Reason.COMPLEMENTARY
                if current is not earlier and earlier.admits(members, k)
                else Reason.DIFFERS_FROM_EARLIER_RELEASE
            )
            outcome[index] = Suppressed(group.label, reason)
            continue
        if cells is None:
            cells = earlier.copy()
        cells.add(members)
        released.append((index, group))

    for index, group in released:
        outcome[index] = Released(group.label, group.released_value(), len(group.members))
    return Decision(
        results=tuple(outcome[i] for i in range(len(groups))),
        released=tuple(group for _, group in sorted(released, key=lambda pair: pair[0])),
    )
