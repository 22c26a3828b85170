"""Benchmark: every tie of a large organisation, computed in SQL (ledger.selectors.org_ties)
and, for comparison, by a plain Python loop over the ledger's rows.

    .venv/bin/python bench/ties.py [--people 100000] [--interactions 10000000] [--repeat 3]

The database comes from DATABASE_URL (PostgreSQL: use postgres://…/rapport_bench); without
it, a SQLite file under var/bench/ named after the size, kept so that a second run skips
the seeding. The script migrates, seeds with `seed_demo --people N --interactions M`
(which does nothing when the organisation is already there), prints its figures and ends
with one JSON line. `bench/pages.py` shares the setup below.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from report import emit

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0  # for 100k people and 10M interactions on PostgreSQL


def setup_django(people: int, interactions: int) -> None:
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        path = ROOT / "var" / "bench" / f"bench-{people}-{interactions}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    # Production-like request handling: no debug cursor collecting every query.
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()


def prepare(people: int, interactions: int, slug: str, seed: int) -> tuple[Any, float | None]:
    """Migrate and seed; returns the organisation and the seconds seeding took (None if
    it was there already)."""
    from django.core.management import call_command

    from rapport.people.models import Organization, Person

    call_command("migrate", interactive=False, verbosity=0)
    existing = Organization.objects.filter(slug=slug).first()
    seeded: float | None = None
    if existing is None or not Person.objects.filter(organization=existing).exists():
        print(f"Seeding {people:,} people and {interactions:,} interactions…", flush=True)
        started = time.monotonic()
        call_command(
            "seed_demo",
            people=people,
            interactions=interactions,
            organization=slug,
            seed=seed,
            verbosity=1,
        )
        seeded = time.monotonic() - started
    return Organization.objects.get(slug=slug), seeded


def sizes(organization: Any) -> tuple[int, int]:
    from rapport.ledger.models import Interaction
    from rapport.people.models import Person

    return (
        Person.objects.filter(organization=organization).count(),
        Interaction.objects.filter(organization=organization).count(),
    )


def database_vendor() -> str:
    from django.db import connection

    return connection.vendor


def arguments(description: str, interactions: int) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=interactions)
    parser.add_argument("--organization", default="bench", help="slug (default: bench)")
    parser.add_argument("--seed", type=int, default=1)
    return parser


def python_loop_ties(organization: Any, as_of: Any) -> dict[tuple[int, int], float]:
    """The same decayed sums as org_ties, one row at a time in Python."""
    from rapport.ledger.models import Interaction

    rate = -math.log(2) / (organization.half_life_days * 86400.0)
    rows = (
        Interaction.objects.filter(organization=organization, occurred_at__lte=as_of)
        .values_list("actor_id", "other_id", "weight", "occurred_at")
        .iterator(chunk_size=20_000)  # a server-side cursor on PostgreSQL
    )
    ties: dict[tuple[int, int], float] = {}
    exp = math.exp
    for actor, other, weight, occurred_at in rows:
        key = (actor, other) if actor < other else (other, actor)
        age = (as_of - occurred_at).total_seconds()
        ties[key] = ties.get(key, 0.0) + weight * exp(rate * age)
    return ties


def max_relative_difference(
    sql: dict[tuple[int, int], float], python: dict[tuple[int, int], float]
) -> float:
    worst = 0.0
    for key in sql.keys() | python.keys():
        a, b = sql.get(key, 0.0), python.get(key, 0.0)
        scale = max(abs(a), abs(b))
        if scale:
            worst = max(worst, abs(a - b) / scale)
    return worst


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], interactions=10_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of org_ties")
    parser.add_argument("--skip-python", action="store_true", help="time SQL only")
    args = parser.parse_args()
    setup_django(args.people, args.interactions)

    from django.utils import timezone

    from rapport.ledger.selectors import org_ties

    organization, seed_seconds = prepare(
        args.people, args.interactions, args.organization, args.seed
    )
    people, interactions = sizes(organization)
    vendor = database_vendor()
    print(f"{vendor}: {organization.name}, {people:,} people, {interactions:,} interactions")
    if seed_seconds is not None:
        print(f"seeding took {seed_seconds:.1f} s")

    as_of = timezone.now()
    runs = []
    ties = []
    for i in range(args.repeat):
        started = time.monotonic()
        ties = org_ties(organization=organization, as_of=as_of)
        runs.append(time.monotonic() - started)
        print(f"org_ties run {i + 1}: {runs[-1]:.2f} s, {len(ties):,} ties", flush=True)
    sql_seconds = statistics.median(runs)

    figures: dict[str, Any] = {
        "benchmark": "ties",
        "database": vendor,
        "people": people,
        "interactions": interactions,
        "ties": len(ties),
        "sql_seconds": round(sql_seconds, 3),
        "sql_runs": [round(r, 3) for r in runs],
    }
    if vendor == "postgresql" and people >= 100_000 and interactions >= 10_000_000:
        figures["target_seconds"] = TARGET_SECONDS
        figures["within_target"] = sql_seconds <= TARGET_SECONDS
    if not args.skip_python:
        started = time.monotonic()
        python = python_loop_ties(organization, as_of)
        python_seconds = time.monotonic() - started
        sql = {(t.person_a_id, t.person_b_id): t.strength for t in ties}
        difference = max_relative_difference(sql, python)
        print(f"python loop: {python_seconds:.2f} s, {len(python):,} ties")
        print(f"python loop / SQL: {python_seconds / sql_seconds:.1f}x")
        print(f"max relative difference: {difference:.2e}")
        figures.update(
            python_loop_seconds=round(python_seconds, 3),
            ratio_python_loop_to_sql=round(python_seconds / sql_seconds, 2),
            same_pairs=sql.keys() == python.keys(),
            max_relative_difference=difference,
        )
    if seed_seconds is not None:
        figures["seed_seconds"] = round(seed_seconds, 1)
    emit(figures)


if __name__ == "__main__":
    main()
