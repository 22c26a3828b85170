"""Properties of the gate over random organisations, changing teams and sequences of questions.

The safety property is checked two independent ways: by the sets themselves (every released
group has >= k people, and no two released groups differ by 1..k-1 people; stronger, every
cell of the released groups' Venn diagram has >= k people), and, for small organisations, by
linear algebra: no set of 1..k-1 people is a sum or difference of released groups.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from rapport.people.models import Organization, Person
from rapport.privacy.gate import Group, Kind, Released, Suppressed, decide
from rapport.privacy.models import Release
from rapport.privacy.services import release_aggregates

from ..factories import OrganizationFactory, PersonFactory


def venn_cells(groups: list[frozenset[int]]) -> Counter[tuple[int, ...]]:
    """Size of each non-empty Venn cell: people keyed by which groups they are in."""
    distinct = list(dict.fromkeys(groups))
    everyone = set().union(*distinct) if distinct else set()
    return Counter(
        tuple(i for i, group in enumerate(distinct) if person in group) for person in everyone
    )


def assert_safe(released: list[frozenset[int]], k: int) -> None:
    for group in released:
        assert len(group) >= k, f"released a group of {len(group)} < k={k}"
    for cell, size in venn_cells(released).items():
        assert size >= k, f"a subtraction isolates {size} people (cell {cell}), k={k}"


def assert_no_small_differences(released: list[frozenset[int]], k: int) -> None:
    for a, b in combinations(set(released), 2):
        assert not 0 < len(a ^ b) < k, f"two releases differ by {len(a ^ b)} people, k={k}"


def rank(rows: list[list[Fraction]]) -> int:
    rows = [row[:] for row in rows]
    rank_ = 0
    width = len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(rank_, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank_], rows[pivot] = rows[pivot], rows[rank_]
        for r in range(len(rows)):
            if r != rank_ and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank_][column]
                rows[r] = [x - factor * y for x, y in zip(rows[r], rows[rank_], strict=True)]
        rank_ += 1
    return rank_


def isolatable_sets(released: list[frozenset[int]], universe: list[int], k: int) -> list[set[int]]:
    """Sets of 1..k-1 people whose total is a linear combination of released totals."""
    vectors = [[Fraction(int(p in g)) for p in universe] for g in set(released)]
    base = rank(vectors) if vectors else 0
    found = []
    for size in range(1, k):
        for subset in combinations(universe, size):
            target = [Fraction(int(p in subset)) for p in universe]
            if vectors and rank([*vectors, target]) == base:
                found.append(set(subset))
    return found


class ViewerOverTime(RuleBasedStateMachine):
    """One viewer asking questions about an organisation whose teams change under them."""

    def __init__(self) -> None:
        super().__init__()
        self.released: list[frozenset[int]] = []
        self.asked = 0

    @initialize(
        k=st.integers(3, 6),
        size=st.integers(1, 40),
        parents=st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=1, max_size=7),
        data=st.data(),
    )
    def organisation(self, k: int, size: int, parents: list[int | None], data) -> None:
        self.k = k
        self.people = list(range(1, size + 1))
        # Team t's parent is an earlier team (or none): a forest, as in people.Team.
        self.parent = {t: (None if p is None or t == 0 else p % t) for t, p in enumerate(parents)}
        self.members: dict[int, set[int]] = {t: set() for t in self.parent}
        for person in self.people:
            for team in data.draw(st.sets(st.sampled_from(sorted(self.parent)), max_size=2)):
                self.members[team].add(person)

    def subtree(self, team: int) -> set[int]:
        found = set(self.members[team])
        for child, parent in self.parent.items():
            if parent == team:
                found |= self.subtree(child)
        return found

    @rule(data=st.data())
    def someone_joins(self, data) -> None:
        person = data.draw(st.sampled_from(self.people))
        team = data.draw(st.sampled_from(sorted(self.parent)))
        self.members[team].add(person)

    @rule(data=st.data())
    def someone_leaves(self, data) -> None:
        team = data.draw(st.sampled_from(sorted(self.parent)))
        if self.members[team]:
            self.members[team].discard(data.draw(st.sampled_from(sorted(self.members[team]))))

    def ask(self, groups: list[Group]) -> None:
        called: list[str] = []

        def value_for(label: str):
            def compute(members: frozenset[int]) -> int:
                called.append(label)
                return len(members)

            return compute

        groups = [
            Group(g.label, g.members, kind=g.kind, compute=value_for(g.label)) for g in groups
        ]
        decision = decide(k=self.k, groups=groups, history=self.released)
        self.asked += 1

        assert [r.label for r in decision.results] == [g.label for g in groups]
        for group, result in zip(groups, decision.results, strict=True):
            if isinstance(result, Released):
                assert result.people == len(group.members)
                if group.kind is Kind.TEXT:
                    assert len(group.members) >= max(10, self.k)
            else:
                assert isinstance(result, Suppressed)
                assert not hasattr(result, "value")
                assert not hasattr(result, "people")
        assert sorted(called) == sorted(g.label for g in decision.released)
        self.released.extend(g.members for g in decision.released)

    @rule(
        data=st.data(),
        absent=st.sets(st.integers(1, 40), max_size=6),
        kind=st.sampled_from(Kind),
    )
    def team_figure_with_its_child_teams(self, data, absent: set[int], kind: Kind) -> None:
        """A team's total and one figure per child team, from those who took part."""
        team = data.draw(st.sampled_from(sorted(self.parent)))
        children = [c for c, p in self.parent.items() if p == team]
        groups: list[Group[int]] = [
            Group(f"team-{team}", frozenset(self.subtree(team) - absent), None, kind)
        ]
        groups += [
            Group(f"team-{c}", frozenset(self.subtree(c) - absent), None, kind) for c in children
        ]
        self.ask(groups)

    @rule(absent=st.sets(st.integers(1, 40), max_size=6))
    def organisation_total(self, absent: set[int]) -> None:
        self.ask([Group("organisation", frozenset(set(self.people) - absent), None)])

    @rule(data=st.data())
    def any_groups_at_all(self, data) -> None:
        """Arbitrary sets, as a careless or hostile caller might ask."""
        sets = data.draw(
            st.lists(st.frozensets(st.sampled_from(self.people)), min_size=1, max_size=5)
        )
        self.ask([Group(f"g{i}", members, None) for i, members in enumerate(sets)])

    @invariant()
    def nothing_released_isolates_fewer_than_k(self) -> None:
        if hasattr(self, "k"):
            assert_safe(self.released, self.k)

    @precondition(lambda self: hasattr(self, "k"))
    @invariant()
    def no_two_releases_differ_by_fewer_than_k(self) -> None:
        assert_no_small_differences(self.released, self.k)


ViewerOverTime.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestViewerOverTime = ViewerOverTime.TestCase


@settings(max_examples=150, deadline=None)
@given(
    k=st.integers(3, 4),
    size=st.integers(3, 8),
    asks=st.lists(
        st.lists(st.frozensets(st.integers(1, 8), min_size=1), min_size=1, max_size=4),
        max_size=6,
    ),
)
def test_no_sum_or_difference_of_releases_is_a_set_of_fewer_than_k_people(k, size, asks):
    universe = list(range(1, size + 1))
    released: list[frozenset[int]] = []
    for sets in asks:
        groups = [Group(f"g{i}", members & set(universe), 0) for i, members in enumerate(sets)]
        decision = decide(k=k, groups=groups, history=released)
        released.extend(g.members for g in decision.released)
    assert isolatable_sets(released, universe, k) == []


@st.composite
def blocks(draw, k: int) -> list[frozenset[int]]:
    """Disjoint blocks of k or more people each."""
    sizes = draw(st.lists(st.integers(k, k + 6), min_size=1, max_size=6))
    out, start = [], 1
    for n in sizes:
        out.append(frozenset(range(start, start + n)))
        start += n
    return out


@settings(max_examples=150, deadline=None)
@given(data=st.data(), k=st.integers(3, 8))
def test_large_disjoint_or_equal_groups_are_all_released(data, k):
    parts = data.draw(blocks(k))
    history = data.draw(st.lists(st.sampled_from(parts), max_size=8))
    asked = data.draw(st.lists(st.sampled_from(parts), min_size=1, max_size=8))
    groups = [Group(f"g{i}", members, i) for i, members in enumerate(asked)]
    decision = decide(k=k, groups=groups, history=history)
    assert all(r.released for r in decision.results)
    assert [r.value for r in decision.results] == list(range(len(asked)))


@settings(max_examples=150, deadline=None)
@given(data=st.data(), k=st.integers(3, 8))
def test_groups_made_of_whole_blocks_are_all_released(data, k):
    """Nested and overlapping groups too, as long as every Venn cell has k people or more."""
    parts = data.draw(blocks(k))
    unions = st.lists(st.sampled_from(parts), min_size=1, unique=True).map(
        lambda chosen: frozenset().union(*chosen)
    )
    history = data.draw(st.lists(unions, max_size=8))
    asked = data.draw(st.lists(unions, min_size=1, max_size=8))
    decision = decide(
        k=k, groups=[Group(f"g{i}", g, 0) for i, g in enumerate(asked)], history=history
    )
    assert all(r.released for r in decision.results)


@settings(max_examples=150, deadline=None)
@given(
    k=st.integers(3, 6),
    history=st.lists(st.frozensets(st.integers(1, 30), min_size=1), max_size=6),
    asked=st.lists(st.frozensets(st.integers(1, 30)), min_size=1, max_size=6),
)
def test_everything_is_released_exactly_when_every_cell_stays_at_least_k(k, history, asked):
    """With a safe history, the gate suppresses nothing it did not have to."""
    safe_history: list[frozenset[int]] = []
    for members in history:  # keep only a history the gate could have produced
        if len(members) >= k and min(venn_cells([*safe_history, members]).values()) >= k:
            safe_history.append(members)
    decision = decide(
        k=k, groups=[Group(f"g{i}", g, 0) for i, g in enumerate(asked)], history=safe_history
    )
    everything_safe = all(len(g) >= k for g in asked) and (
        min(venn_cells([*safe_history, *asked]).values()) >= k
    )
    assert all(r.released for r in decision.results) == everything_safe


class TestTheReleaseLogStaysSafe(HypothesisTestCase):
    """The same invariant over what the database recorded, through the service."""

    org: Organization
    viewer: Person

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = OrganizationFactory.create(anonymity_threshold=4)
        cls.viewer = PersonFactory.create(organization=cls.org)

    @settings(max_examples=30, deadline=None)
    @given(
        asks=st.lists(
            st.tuples(
                st.sampled_from(["team_mood:w47", "team_mood:w48", "kudos:w48", "usage"]),
                st.lists(st.frozensets(st.integers(1, 16)), min_size=1, max_size=5),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def test_no_two_logged_releases_differ_by_fewer_than_k(self, asks) -> None:
        for question, sets in asks:
            release_aggregates(
                viewer=self.viewer,
                question=question,
                groups=[Group(f"g{i}", members, 0) for i, members in enumerate(sets)],
                organization=self.org,
            )
        logged = [
            frozenset(members)
            for members in Release.objects.filter(viewer=self.viewer).values_list(
                "members", flat=True
            )
        ]
        assert_safe(logged, 4)
        assert_no_small_differences(logged, 4)
