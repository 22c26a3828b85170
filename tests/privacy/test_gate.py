"""The gate's rules on concrete scenarios, without a database."""

from __future__ import annotations

import dataclasses

import pytest

from rapport.privacy.gate import (
    MIN_K,
    Cells,
    Decision,
    Group,
    Kind,
    Reason,
    Released,
    Suppressed,
    clamp_k,
    decide,
)


def people(first: int, last: int) -> frozenset[int]:
    """Person ids first..last inclusive."""
    return frozenset(range(first, last + 1))


def mean_of_ids(members: frozenset[int]) -> float:
    return sum(members) / len(members)


def reasons(decision: Decision[object]) -> dict[str, Reason | None]:
    return {r.label: (r.reason if isinstance(r, Suppressed) else None) for r in decision.results}


def test_a_team_of_four_is_suppressed_with_no_number_at_all():
    calls: list[frozenset[int]] = []

    def value(members: frozenset[int]) -> float:
        calls.append(members)
        return 3.5

    decision = decide(k=5, groups=[Group("Platform", people(1, 4), compute=value)])

    (result,) = decision.results
    assert isinstance(result, Suppressed)
    assert result.reason is Reason.FEWER_THAN_K
    assert not result.released
    # Nothing that could carry a number: no value, no size; and the value was never computed.
    assert {f.name for f in dataclasses.fields(result)} == {"label", "reason"}
    assert calls == []
    assert decision.released == ()


def test_a_team_of_five_is_released_with_its_value_and_size():
    decision = decide(k=5, groups=[Group("Platform", people(1, 5), compute=mean_of_ids)])

    (result,) = decision.results
    assert isinstance(result, Released)
    assert result.value == 3.0
    assert result.people == 5
    assert [g.label for g in decision.released] == ["Platform"]


def test_compute_gets_exactly_the_members():
    seen: list[frozenset[int]] = []

    def compute(members: frozenset[int]) -> int:
        seen.append(members)
        return 0

    decide(k=3, groups=[Group("Team", people(1, 3), compute=compute)])
    assert seen == [people(1, 3)]


def test_a_group_has_a_value_or_a_function_not_both():
    with pytest.raises(ValueError, match="not both"):
        Group("Team", people(1, 3), 1, compute=len)


def test_a_precomputed_value_is_released_as_is():
    decision = decide(k=3, groups=[Group("Team", people(1, 3), {"mood": 4})])
    assert decision.results[0].value == {"mood": 4}


def test_parent_with_one_small_team_suppresses_the_other_team_too():
    # Parent = A (6) + B (2). Releasing parent and A would give B as parent - A.
    parent, a, b = people(1, 8), people(1, 6), people(7, 8)
    decision = decide(
        k=5,
        groups=[Group("A", a, 1), Group("B", b, 2), Group("Engineering", parent, 3)],
    )
    assert reasons(decision) == {
        "A": Reason.COMPLEMENTARY,
        "B": Reason.FEWER_THAN_K,
        "Engineering": None,
    }
    # Results come back in the order asked.
    assert [r.label for r in decision.results] == ["A", "B", "Engineering"]


def test_complementary_suppression_gives_up_the_next_smallest_sibling():
    parent = people(1, 20)
    a, b, c, d = people(1, 8), people(9, 14), people(15, 19), people(20, 20)
    decision = decide(
        k=5,
        groups=[
            Group("Total", parent, 0),
            Group("A", a, 0),
            Group("B", b, 0),
            Group("C", c, 0),
            Group("D", d, 0),
        ],
    )
    # Total - A - B - C = D: one of A, B, C must go; the smallest does.
    assert reasons(decision) == {
        "Total": None,
        "A": None,
        "B": None,
        "C": Reason.COMPLEMENTARY,
        "D": Reason.FEWER_THAN_K,
    }


def test_siblings_and_parent_all_large_are_all_released():
    a, b, c = people(1, 5), people(6, 12), people(13, 20)
    decision = decide(
        k=5,
        groups=[Group("All", a | b | c, 0), Group("A", a, 0), Group("B", b, 0), Group("C", c, 0)],
    )
    assert all(r.released for r in decision.results)


def test_the_subtraction_of_three_groups_is_caught_not_just_pairs():
    # Every pair differs by >= 5 people, but Total - A - B isolates two people.
    a, b, rest = people(1, 6), people(7, 12), people(13, 14)
    decision = decide(
        k=5,
        groups=[Group("Total", a | b | rest, 0), Group("A", a, 0), Group("B", b, 0)],
    )
    assert reasons(decision) == {"Total": None, "A": None, "B": Reason.COMPLEMENTARY}


def test_this_weeks_figure_is_suppressed_when_one_person_joined_since_last_week():
    last_week = people(1, 6)
    this_week = people(1, 7)
    decision = decide(k=5, groups=[Group("Platform", this_week, 0)], history=[last_week])
    assert reasons(decision) == {"Platform": Reason.DIFFERS_FROM_EARLIER_RELEASE}


def test_this_weeks_figure_is_suppressed_when_one_person_left_since_last_week():
    decision = decide(k=5, groups=[Group("Platform", people(1, 5), 0)], history=[people(1, 6)])
    assert reasons(decision) == {"Platform": Reason.DIFFERS_FROM_EARLIER_RELEASE}


def test_the_figure_returns_once_k_people_have_joined():
    decision = decide(k=5, groups=[Group("Platform", people(1, 11), 0)], history=[people(1, 6)])
    assert reasons(decision) == {"Platform": None}


def test_the_same_people_again_is_released_again():
    decision = decide(k=5, groups=[Group("Platform", people(1, 6), 0)], history=[people(1, 6)])
    assert reasons(decision) == {"Platform": None}


def test_earlier_releases_of_other_questions_count_too():
    # The viewer saw two teams' figures; a department figure adding one more team of two
    # would let them subtract both teams and find that small team.
    history = [people(1, 6), people(7, 12)]
    decision = decide(k=5, groups=[Group("Department", people(1, 14), 0)], history=history)
    assert reasons(decision) == {"Department": Reason.DIFFERS_FROM_EARLIER_RELEASE}


def test_a_person_in_two_teams_cannot_be_isolated_with_the_organisation_total():
    # A = 1..6, B = 6..11 share person 6; with the total 1..11, A + B - total = {6}.
    history = [people(1, 11), people(1, 6)]
    decision = decide(k=5, groups=[Group("B", people(6, 11), 0)], history=history)
    assert reasons(decision) == {"B": Reason.DIFFERS_FROM_EARLIER_RELEASE}


def test_free_text_needs_ten_people():
    notes = ["good week", "tired"]
    decision = decide(
        k=5,
        groups=[
            Group("Nine", people(1, 9), notes, kind=Kind.TEXT),
            Group("Ten", people(101, 110), notes, kind=Kind.TEXT),
        ],
    )
    assert reasons(decision) == {"Nine": Reason.TEXT_NEEDS_10, "Ten": None}


def test_free_text_needs_k_people_when_k_is_above_ten():
    decision = decide(k=12, groups=[Group("Eleven", people(1, 11), [], kind=Kind.TEXT)])
    assert reasons(decision) == {"Eleven": Reason.TEXT_NEEDS_10}


def test_small_text_groups_give_the_text_reason_not_the_size_one():
    decision = decide(k=5, groups=[Group("Two", people(1, 2), [], kind=Kind.TEXT)])
    assert reasons(decision) == {"Two": Reason.TEXT_NEEDS_10}


def test_free_text_takes_part_in_the_differencing_rule():
    # Last month's notes from 12 people, this month's from 13: the new note stands out.
    decision = decide(
        k=5, groups=[Group("Notes", people(1, 13), [], kind=Kind.TEXT)], history=[people(1, 12)]
    )
    assert reasons(decision) == {"Notes": Reason.DIFFERS_FROM_EARLIER_RELEASE}


@pytest.mark.parametrize("asked", [-1, 0, 1, 2])
def test_k_below_three_is_raised_to_three(asked):
    assert clamp_k(asked) == MIN_K == 3
    decision = decide(
        k=asked,
        groups=[Group("Pair", people(1, 2), 0), Group("Trio", people(11, 13), 0)],
        history=[people(11, 14)],
    )
    assert reasons(decision) == {
        "Pair": Reason.FEWER_THAN_K,
        "Trio": Reason.DIFFERS_FROM_EARLIER_RELEASE,
    }


def test_an_unset_k_means_the_default_of_five():
    assert clamp_k(None) == 5


def test_raising_k_keeps_what_was_seen_but_refuses_new_small_cuts():
    # Released when k was 3: 1..3 and 1..6 (cells of 3 and 3). Now k is 5.
    history = [people(1, 3), people(1, 6)]
    decision = decide(
        k=5,
        groups=[
            Group("Same again", people(1, 6), 0),
            Group("Cuts a cell", people(1, 5), 0),
        ],
        history=history,
    )
    assert reasons(decision) == {
        "Same again": None,
        "Cuts a cell": Reason.DIFFERS_FROM_EARLIER_RELEASE,
    }


def test_the_same_groups_are_released_when_asked_again_with_its_own_releases():
    groups = [
        Group("Total", people(1, 14), 0),
        Group("A", people(1, 6), 0),
        Group("B", people(7, 12), 0),
        Group("C", people(13, 14), 0),
    ]
    first = decide(k=5, groups=groups)
    again = decide(k=5, groups=groups, history=[g.members for g in first.released])
    assert [r.released for r in first.results] == [r.released for r in again.results]
    # The reason may change: the sibling that blocked B is now an earlier release.
    assert reasons(again)["B"] is Reason.DIFFERS_FROM_EARLIER_RELEASE


def test_history_cells_are_not_changed_by_a_decision():
    cells = Cells.from_groups([people(1, 10)])
    decide(k=5, groups=[Group("Half", people(1, 5), 0)], history=cells)
    assert cells.sizes() == [10]


def test_labels_must_be_unique_in_one_release():
    with pytest.raises(ValueError, match="unique"):
        decide(k=5, groups=[Group("A", people(1, 5), 0), Group("A", people(6, 10), 0)])


def test_members_given_as_a_set_or_list_are_accepted():
    group = Group("A", [1, 2, 3, 3], 0)
    assert group.members == frozenset({1, 2, 3})


def test_suppressed_results_share_one_neutral_message():
    decision = decide(
        k=5,
        groups=[Group("Small", people(1, 2), 0), Group("Text", people(11, 19), [], Kind.TEXT)],
    )
    messages = {r.message for r in decision.results if isinstance(r, Suppressed)}
    assert len(messages) == 1
    assert not any(ch.isdigit() for ch in messages.pop())
