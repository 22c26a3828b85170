"""The pairing engine on its own: rules never broken, sound partitions, quality."""

from __future__ import annotations

import random
from datetime import date, timedelta

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.pairing.engine import (
    Constraints,
    History,
    Participant,
    PastRound,
    count_repeats,
    count_violations,
    group_sizes,
    make_round,
    pair,
    plan_rounds,
    weak_tie_score,
    weakness,
)
from rapport.pairing.engine.objective import group_pairs, is_partition

OFFICE_HOURS = {  # UTC hour slots of a working day, Monday to Friday
    "London": range(9, 17),
    "New York": range(14, 22),
    "Sydney": range(22, 30),  # wraps into the next day
}


def week_mask(hours: range) -> int:
    mask = 0
    for day in range(5):
        for hour in hours:
            mask |= 1 << ((day * 24 + hour) % 168)
    return mask


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Participant], int, Constraints, History]:
    n = draw(st.integers(min_value=2, max_value=40))
    size = draw(st.integers(min_value=2, max_value=4))
    seed = draw(st.integers(min_value=0, max_value=10_000))
    rng = random.Random(seed)
    teams = [f"team-{k}" for k in range(draw(st.integers(1, 5)))]
    offices = list(OFFICE_HOURS)[: draw(st.integers(1, 3))]
    people = []
    for i in range(n):
        office = rng.choice(offices)
        people.append(
            Participant(
                id=1000 + 7 * i,
                team=rng.choice(teams),
                attributes={"location": office},
                availability=week_mask(OFFICE_HOURS[office]) if rng.random() < 0.9 else None,
            )
        )
    ids = [p.id for p in people]
    forbidden = [(rng.choice(ids), rng.choice(ids)) for _ in range(draw(st.integers(0, n)))]
    constraints = Constraints.build(
        forbidden_pairs=forbidden,
        must_share=("location",) if draw(st.booleans()) else (),
        min_common_slots=draw(st.sampled_from([0, 1, 4])),
        team_mode=draw(st.sampled_from(["any", "cross", "within"])),
    )
    history = History()
    for k in range(draw(st.integers(0, 3))):
        shuffled = rng.sample(ids, len(ids))
        groups = [shuffled[j : j + size] for j in range(0, len(ids) - 1, size)]
        history.rounds.append(PastRound(date(2026, 1, 5) + timedelta(days=7 * k), groups))
    return people, size, constraints, history


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 1000))
def test_a_round_never_breaks_a_rule_and_is_a_sound_partition(instance, seed) -> None:
    people, size, constraints, history = instance
    made = make_round(people, size, constraints=constraints, history=history, seed=seed)
    assert count_violations(made.groups, people, constraints) == 0
    assert is_partition([*made.groups, *[(u,) for u in made.unmatched]], [p.id for p in people])
    assert all(len(g) >= 2 for g in made.groups)
    one_pool = not constraints.must_share and constraints.team_mode != "within"
    if one_pool and not made.unmatched and len(people) >= size - 1:
        # Sizes within one of the asked size, unless a rule forced someone out.
        assert {len(g) for g in made.groups} <= {size - 1, size, size + 1}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.integers(0, 1000))
def test_a_plan_never_breaks_a_rule_and_is_deterministic(instance, seed) -> None:
    people, size, constraints, history = instance
    options = {"constraints": constraints, "history": history, "seed": seed}
    first = plan_rounds(people, size, 3, search_iterations=150, **options)
    again = plan_rounds(people, size, 3, search_iterations=150, **options)
    assert first.as_lists() == again.as_lists()
    for made in first.rounds:
        assert count_violations(made.groups, people, constraints) == 0
        assert is_partition([*made.groups, *[(u,) for u in made.unmatched]], [p.id for p in people])


@given(st.integers(2, 500), st.integers(2, 4))
def test_group_sizes_add_up_and_never_leave_one_alone(count: int, size: int) -> None:
    sizes = group_sizes(count, size)
    assert sum(sizes) == count
    assert all(s >= 2 for s in sizes)
    if count >= size - 1:
        assert set(sizes) <= {size - 1, size, size + 1}


def test_one_person_alone_gets_no_group() -> None:
    alone = make_round(
        [
            Participant(1, attributes={"location": "Lisbon"}),
            Participant(2, attributes={"location": "Oslo"}),
            Participant(3, attributes={"location": "Oslo"}),
        ],
        2,
        constraints=Constraints.build(must_share=("location",)),
    )
    assert alone.groups == [(2, 3)]
    assert alone.unmatched == [1]


def test_an_odd_pool_of_pairs_has_one_group_of_three() -> None:
    made = make_round([Participant(i) for i in range(11)], 2, seed=3)
    assert sorted(len(g) for g in made.groups) == [2, 2, 2, 2, 3]


def test_the_same_seed_gives_the_same_round_and_another_seed_another() -> None:
    people = [Participant(i, team=f"t{i % 5}") for i in range(60)]
    cross = Constraints.build(team_mode="cross")
    first = make_round(people, 3, constraints=cross, seed=11)
    assert make_round(people, 3, constraints=cross, seed=11).groups == first.groups
    assert make_round(people, 3, constraints=cross, seed=12).groups != first.groups


def test_cross_team_mode_mixes_teams() -> None:
    people = [Participant(i, team=f"t{i % 6}") for i in range(120)]
    made = make_round(people, 4, constraints=Constraints.build(team_mode="cross"), seed=5)
    team = {p.id: p.team for p in people}
    assert all(team[a] != team[b] for g in made.groups for a, b in group_pairs(g))


def test_within_team_mode_keeps_teams_together() -> None:
    people = [Participant(i, team=f"t{i % 3}") for i in range(30)]
    made = make_round(people, 4, constraints=Constraints.build(team_mode="within"), seed=5)
    team = {p.id: p.team for p in people}
    assert all(len({team[m] for m in g}) == 1 for g in made.groups)


def test_working_hours_must_overlap() -> None:
    people = [
        Participant(i, availability=week_mask(OFFICE_HOURS[office]))
        for i, office in enumerate(["London", "New York", "Sydney"] * 8)
    ]
    rules = Constraints.build(min_common_slots=5)
    made = make_round(people, 3, constraints=rules, seed=2)
    assert count_violations(made.groups, people, rules) == 0
    assert not made.unmatched  # London and New York overlap 3 hours a day: enough for all


def test_history_pairs_are_avoided_and_recent_ones_first() -> None:
    people = [Participant(i) for i in range(4)]
    # Everyone met everyone: some pair must repeat; the old meetings should be chosen.
    history = History(
        rounds=[
            PastRound(date(2025, 1, 6), [(0, 1), (2, 3)]),
            PastRound(date(2026, 3, 2), [(0, 2), (1, 3)]),
            PastRound(date(2026, 3, 9), [(0, 3), (1, 2)]),
        ]
    )
    made = make_round(people, 2, history=history, seed=1, as_of=date(2026, 3, 16))
    assert sorted(made.groups) == [(0, 1), (2, 3)]


def test_a_large_round_avoids_every_past_pair_and_forbidden_pair() -> None:
    rng = random.Random(4)
    people = [Participant(i, team=f"t{i // 12}") for i in range(3000)]
    managers = [(i, i - i % 12) for i in range(3000) if i % 12]
    history = History()
    for k in range(6):
        made = make_round(people, 4, seed=k)
        history.rounds.append(PastRound(date(2026, 1, 5) + timedelta(days=7 * k), made.groups))
    rules = Constraints.build(
        forbidden_pairs=managers + [(rng.randrange(3000), rng.randrange(3000)) for _ in range(500)],
        team_mode="cross",
    )
    made = make_round(people, 4, constraints=rules, history=history, seed=99)
    met = {p for past in history.rounds for g in past.groups for p in group_pairs(g)}
    assert count_violations(made.groups, people, rules) == 0
    assert count_repeats([made.groups], met) == 0
    assert not made.unmatched


def exact_weak_tie_optimum(n: int, ties: dict[tuple[int, int], float]) -> float:
    graph = nx.Graph()
    for a in range(n):
        for b in range(a + 1, n):
            graph.add_edge(a, b, weight=weakness(ties.get((a, b), 0.0)))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return sum(graph[a][b]["weight"] for a, b in matching)


@pytest.mark.parametrize("n,seed", [(20, 0), (30, 1), (40, 2), (50, 3)])
def test_pairs_are_near_the_exact_weak_tie_optimum_even_when_everyone_knows_everyone(
    n: int, seed: int
) -> None:
    rng = random.Random(seed)
    ties = {pair(a, b): rng.expovariate(0.5) for a in range(n) for b in range(a + 1, n)}
    made = make_round([Participant(i) for i in range(n)], 2, ties=ties, seed=seed)
    assert weak_tie_score(made.groups, ties) >= 0.97 * exact_weak_tie_optimum(n, ties)


def test_pairs_reach_the_optimum_on_a_sparse_realistic_tie_graph() -> None:
    rng = random.Random(8)
    n = 60
    ties = {}
    for a in range(n):
        for b in range(a + 1, n):
            same_team = a // 10 == b // 10
            if rng.random() < (0.8 if same_team else 0.05):
                ties[pair(a, b)] = rng.expovariate(0.3 if same_team else 2.0)
    made = make_round([Participant(i) for i in range(n)], 2, ties=ties, seed=1)
    assert weak_tie_score(made.groups, ties) >= 0.99 * exact_weak_tie_optimum(n, ties)


def test_replanning_after_the_pool_changes_avoids_the_history() -> None:
    people = [Participant(i) for i in range(15)]
    first = plan_rounds(people, 3, 3, seed=1)
    history = History(
        rounds=[
            PastRound(date(2026, 1, 5) + timedelta(days=7 * k), r.groups)
            for k, r in enumerate(first.rounds)
        ]
    )
    # Two people leave, three join.
    pool = [p for p in people if p.id not in (3, 9)] + [Participant(i) for i in (15, 16, 17)]
    again = plan_rounds(pool, 3, 3, history=history, seed=2)
    met = {p for past in history.rounds for g in past.groups for p in group_pairs(g)}
    assert count_repeats([r.groups for r in again.rounds], met) == 0
