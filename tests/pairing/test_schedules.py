"""Rounds before any pair meets twice reach the best known Social Golfer values."""

from __future__ import annotations

import pytest

from rapport.pairing.engine import (
    BEST_KNOWN,
    Participant,
    count_repeats,
    plan_rounds,
    rounds_before_repeat,
)
from rapport.pairing.engine.objective import is_partition

NAMED = [(6, 2), (10, 2), (20, 2), (15, 3), (18, 3), (32, 4), (9, 3), (16, 4), (21, 3)]


@pytest.mark.parametrize("people,size", NAMED)
@pytest.mark.timeout(20)
def test_a_plan_reaches_the_best_known_number_of_rounds(people: int, size: int) -> None:
    rounds = BEST_KNOWN[(people, size)]
    plan = plan_rounds([Participant(i) for i in range(people)], size, rounds, seed=7)
    schedule = [r.groups for r in plan.rounds]
    assert len(schedule) == rounds
    assert all(is_partition(groups, range(people)) for groups in schedule)
    assert all(len(g) == size for groups in schedule for g in groups)
    assert count_repeats(schedule) == 0
    assert rounds_before_repeat(schedule) == rounds


def test_the_named_values_are_the_known_ones() -> None:
    assert BEST_KNOWN[(6, 2)] == 5 and BEST_KNOWN[(10, 2)] == 9 and BEST_KNOWN[(20, 2)] == 19
    assert BEST_KNOWN[(15, 3)] == 7 and BEST_KNOWN[(18, 3)] == 8 and BEST_KNOWN[(32, 4)] == 10


def test_past_the_best_known_length_the_design_comes_first() -> None:
    plan = plan_rounds([Participant(i) for i in range(15)], 3, 9, seed=1)
    assert rounds_before_repeat([r.groups for r in plan.rounds]) == 7


def test_different_seeds_give_different_people_the_same_structure() -> None:
    people = [Participant(i) for i in range(32)]
    a = plan_rounds(people, 4, 10, seed=1).as_lists()
    b = plan_rounds(people, 4, 10, seed=2).as_lists()
    assert a != b
