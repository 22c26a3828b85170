"""Benchmark: one round for a very large pool.

    .venv/bin/python bench/pairing_speed.py [--people 100000] [--group-size 4] [--history 12]

One pool of `--people` in teams of 12 (the first of each team manages the other 11),
groups of 4 in cross-team mode, with `--history` past rounds (random partitions into
groups of 4, a week apart), manager-report pairs and 1% of people with a private "don't
pair me with" someone forbidden, and a synthetic tie graph (dense strong ties inside
each team, a few weak ties across teams, a heavy tail: the demo generator needs a
database-sized run for 100,000 people). Times `make_round` (input compilation
included), then checks the result: constraint violations, pairs that met in the
history, group sizes, everyone placed. Peak memory is measured twice: tracemalloc's peak
of Python and numpy allocations during a second, traced run (slower), and the process's
peak resident size (ru_maxrss, which includes building the inputs).

Targets: <= 5 s, <= 2 GB, zero violations, zero repeats.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import emit  # noqa: E402  (bench/ is on sys.path when a script runs)

from rapport.pairing.engine import (  # noqa: E402
    Constraints,
    History,
    Participant,
    PastRound,
    Round,
    count_repeats,
    count_violations,
    make_round,
)
from rapport.pairing.engine.objective import group_pairs, is_partition  # noqa: E402

TARGET_SECONDS = 5.0
TARGET_BYTES = 2 * 1024**3
TEAM = 12


def build(
    people: int, history_rounds: int, seed: int
) -> tuple[list[Participant], Constraints, History, dict[tuple[int, int], float]]:
    rng = np.random.default_rng(seed)
    participants = [Participant(id=10_000 + i, team=f"team-{i // TEAM}") for i in range(people)]
    ids = np.arange(people) + 10_000
    managers = [(int(ids[i]), int(ids[i - i % TEAM])) for i in range(people) if i % TEAM]
    private = rng.choice(people, size=(people // 100, 2))
    exclusions = [(int(ids[a]), int(ids[b])) for a, b in private if a != b]
    constraints = Constraints.build(forbidden_pairs=managers + exclusions, team_mode="cross")
    history = History()
    start = date(2026, 1, 5)
    for k in range(history_rounds):
        order = ids[rng.permutation(people)]
        cut = people - people % 4
        groups = [tuple(int(x) for x in g) for g in order[:cut].reshape(-1, 4)]
        if cut < people:
            groups[-1] = groups[-1] + tuple(int(x) for x in order[cut:])
        history.rounds.append(PastRound(start + timedelta(days=7 * k), groups))
    ties: dict[tuple[int, int], float] = {}
    for t in range(0, people, TEAM):
        members = ids[t : t + TEAM]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if rng.random() < 0.7:
                    ties[(int(a), int(b))] = float(rng.pareto(1.5) + 1.0)
    cross = rng.choice(people, size=(people * 2, 2))
    for a, b in cross:
        if a != b:
            key = (int(ids[min(a, b)]), int(ids[max(a, b)]))
            ties[key] = ties.get(key, 0.0) + float(rng.exponential(0.3))
    return participants, constraints, history, ties


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--group-size", type=int, default=4)
    parser.add_argument("--history", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    started = time.perf_counter()
    participants, constraints, history, ties = build(args.people, args.history, args.seed)
    print(
        f"inputs: {args.people} people, {len(constraints.forbidden_pairs)} forbidden pairs,"
        f" {len(history.rounds)} past rounds, {len(ties)} ties"
        f" (built in {time.perf_counter() - started:.1f} s)"
    )

    def one_round() -> Round:
        return make_round(
            participants,
            args.group_size,
            constraints=constraints,
            history=history,
            ties=ties,
            seed=args.seed,
            as_of=date(2026, 4, 6),
        )

    started = time.perf_counter()
    made = one_round()
    seconds = time.perf_counter() - started

    tracemalloc.start()
    one_round()
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    violations = count_violations(made.groups, participants, constraints)
    met = {p for past in history.rounds for g in past.groups for p in group_pairs(g)}
    repeats = count_repeats([made.groups], met)
    sizes = sorted({len(g) for g in made.groups})
    complete = is_partition(
        [*made.groups, *[(u,) for u in made.unmatched]], [p.id for p in participants]
    )
    team = {p.id: p.team for p in participants}
    same_team = sum(1 for g in made.groups for a, b in group_pairs(g) if team[a] == team[b])
    with_tie = sum(1 for g in made.groups for p in group_pairs(g) if p in ties)
    print(
        f"one round: {seconds:.2f} s, traced peak {traced_peak / 1e6:.0f} MB,"
        f" max RSS {max_rss / 1e6:.0f} MB; {len(made.groups)} groups of {sizes},"
        f" {len(made.unmatched)} unmatched, {violations} violations, {repeats} repeats,"
        f" {same_team} same-team pairs, {with_tie} pairs with a tie"
    )
    line = {
        "benchmark": "pairing_speed",
        "people": args.people,
        "group_size": args.group_size,
        "history_rounds": args.history,
        "forbidden_pairs": len(constraints.forbidden_pairs),
        "ties": len(ties),
        "seconds": round(seconds, 3),
        "traced_peak_bytes": traced_peak,
        "max_rss_bytes": max_rss,
        "groups": len(made.groups),
        "group_sizes": sizes,
        "unmatched": len(made.unmatched),
        "everyone_once": complete,
        "violations": violations,
        "repeats": repeats,
        "same_team_pairs": same_team,
        "pairs_with_a_tie": with_tie,
        "within_target": seconds <= TARGET_SECONDS
        and max_rss <= TARGET_BYTES
        and violations == 0
        and repeats == 0,
    }
    emit(line)


if __name__ == "__main__":
    main()
