"""Benchmark: rounds before any pair meets twice, against the best known values.

    .venv/bin/python bench/pairing_schedules.py [--seed 1]

For each instance (n people in groups of s) the planner is asked for as many rounds as
the best known Social Golfer value (or, where none is listed here, a horizon) with no
history and no constraints, exactly what `rapport pairing-plan` prints; the figure is
how many rounds pass before the first repeated pair. Best known values: pairs n - 1
(round robin), Kirkman and affine designs, golfers 6-3-8, 8-3-11 and 8-4-10.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import emit  # noqa: E402  (bench/ is on sys.path when a script runs)

from rapport.pairing.engine import (  # noqa: E402
    Participant,
    plan_rounds,
    rounds_before_repeat,
)

# (people, group size): best known rounds with no repeated pair (None: not listed here).
INSTANCES: list[tuple[int, int, int | None]] = [
    (6, 2, 5),
    (10, 2, 9),
    (20, 2, 19),
    (50, 2, 49),
    (100, 2, 99),
    (9, 3, 4),
    (15, 3, 7),
    (18, 3, 8),
    (21, 3, 10),
    (24, 3, 11),
    (27, 3, 13),
    (16, 4, 5),
    (32, 4, 10),
    (64, 4, 21),
    (13, 3, None),
    (30, 4, None),
    (150, 4, None),
]
HORIZON = 12  # rounds asked for where no best known value is listed
NAMED = {(6, 2), (10, 2), (20, 2), (15, 3), (18, 3), (32, 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    print(f"{'people':>6} {'size':>4} {'best known':>10} {'achieved':>8}  method, seconds")
    for people, size, best in INSTANCES:
        asked = best or HORIZON
        started = time.perf_counter()
        plan = plan_rounds([Participant(id=i) for i in range(people)], size, asked, seed=args.seed)
        seconds = time.perf_counter() - started
        achieved = rounds_before_repeat([r.groups for r in plan.rounds])
        rows.append(
            {
                "people": people,
                "group_size": size,
                "best_known": best,
                "achieved": achieved,
                "reached": None if best is None else achieved >= best,
                "named": (people, size) in NAMED,
                "method": plan.method,
                "seconds": round(seconds, 2),
            }
        )
        shown = "-" if best is None else str(best)
        print(f"{people:>6} {size:>4} {shown:>10} {achieved:>8}  {plan.method}, {seconds:.2f}")
    line = {
        "benchmark": "pairing_schedules",
        "instances": rows,
        "named_reached": all(r["reached"] for r in rows if r["named"]),
        "listed_reached": sum(1 for r in rows if r["reached"]),
        "listed": sum(1 for r in rows if r["best_known"] is not None),
    }
    emit(line)


if __name__ == "__main__":
    main()
