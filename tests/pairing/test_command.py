"""`rapport pairing-plan`: a plan as JSON for anyone to check."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rapport.pairing.engine import count_repeats, rounds_before_repeat


def plan(*args: str) -> list[list[list[int]]]:
    out = StringIO()
    call_command("pairing_plan", *args, stdout=out)
    return json.loads(out.getvalue())["rounds"]


@pytest.mark.parametrize(
    "people,size,rounds",
    [(20, 2, 19), (15, 3, 7), (18, 3, 8), (21, 3, 10), (32, 4, 10), (16, 4, 5)],
)
def test_it_prints_a_plan_without_repeats_up_to_the_best_known_length(
    people: int, size: int, rounds: int
) -> None:
    schedule = plan(
        "--people", str(people), "--group-size", str(size), "--rounds", str(rounds), "--seed", "4"
    )
    assert len(schedule) == rounds
    for groups in schedule:
        assert sorted(m for g in groups for m in g) == list(range(people))
        assert all(len(g) == size for g in groups)
    assert count_repeats(schedule) == 0


PLAN_ARGS = ("--people", "6", "--group-size", "2", "--rounds", "5", "--seed", "2")


def test_the_rapport_command_prints_exactly_the_issues_shape() -> None:
    """`rapport pairing-plan` (the real entry point) prints one JSON object on one line."""
    done = subprocess.run(
        [sys.executable, "-m", "rapport", "pairing-plan", *PLAN_ARGS],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith('{"rounds": [[[') and out.endswith("]]]}\n") and out.count("\n") == 1
    schedule = json.loads(out)["rounds"]
    assert list(json.loads(out)) == ["rounds"]
    assert len(schedule) == 5 and all(len(g) == 2 for groups in schedule for g in groups)
    assert all(isinstance(m, int) for groups in schedule for g in groups for m in g)
    assert count_repeats(schedule) == 0


def test_it_handles_counts_that_do_not_divide() -> None:
    schedule = plan("--people", "23", "--group-size", "4", "--rounds", "3")
    for groups in schedule:
        assert sorted(m for g in groups for m in g) == list(range(23))
        assert {len(g) for g in groups} <= {3, 4, 5}
    assert rounds_before_repeat(schedule) == 3


def test_a_large_pool_is_planned_round_by_round() -> None:
    schedule = plan("--people", "1000", "--group-size", "3", "--rounds", "4", "--seed", "9")
    assert len(schedule) == 4
    assert count_repeats(schedule) == 0


def test_the_same_seed_prints_the_same_plan() -> None:
    args = ("--people", "16", "--group-size", "4", "--rounds", "7", "--seed", "3")
    assert plan(*args) == plan(*args)


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ("--people", "10", "--group-size", "5", "--rounds", "2"),
            "--group-size must be 2, 3 or 4",
        ),
        (
            ("--people", "10", "--group-size", "1", "--rounds", "2"),
            "--group-size must be 2, 3 or 4",
        ),
        (("--people", "1", "--group-size", "2", "--rounds", "2"), "--people must be at least 2"),
        (("--people", "2", "--group-size", "4", "--rounds", "2"), "at least 3 for groups of 4"),
        (("--people", "10", "--group-size", "2", "--rounds", "0"), "--rounds must be between"),
        (("--people", "10", "--group-size", "2", "--rounds", "2", "--seed", "-1"), "--seed"),
        (("--people", "200000", "--group-size", "2", "--rounds", "20"), "plan fewer rounds"),
    ],
)
def test_it_rejects_bad_arguments_with_a_clear_message(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        plan(*args)
