"""Benchmark: how close one round of pairs comes to the best possible weak-tie score.

    .venv/bin/python bench/pairing_quality.py [--pools 500 2000] [--seed 1] [--exact-limit 600]

Tie strengths come from the demo generator (`rapport.demo.generator.large_plan` and
`interaction_rows`, 100 interactions a person over its 120 days, decayed like
`ledger.selectors` with the default kind weights and half-life), computed in memory:
no database. The engine pairs everyone (`make_round`, groups of 2); its weak-tie score
is the sum over pairs of 1 / (1 + strength) (`objective.weak_tie_score`).

The optimum is networkx's exact `max_weight_matching` (maxcardinality) on the complete
graph with the same weights, for pools up to `--exact-limit` people; beyond that the
score is compared with n / 2, an upper bound of the optimum (no pair scores more than 1),
so the ratio printed is a lower bound of the true one.

With realistic ties most colleagues are strangers (weight 1), so the optimum pairs
strangers only. A stress case where everyone knows everyone (`--stress` people, random
strengths) shows the engine where it has to choose among ties: it is printed as
`stress` and not part of the target.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from report import emit

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.99
TODAY = date(2026, 6, 1)


def demo_ties(people: int, seed: int) -> tuple[dict[tuple[int, int], float], list[str]]:
    """Tie strengths between people 0..n-1 of a generated organisation, and their teams."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.conf import settings

    from rapport.demo.generator import interaction_rows, large_plan
    from rapport.ledger.kinds import DEFAULT_WEIGHTS

    plan = large_plan(people=people, seed=seed, slug="bench", name="Bench", today=TODAY)
    as_of = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=UTC)
    half_life = settings.RAPPORT_TIE_HALF_LIFE_DAYS * 86400.0
    ties: dict[tuple[int, int], float] = {}
    rows = interaction_rows(
        plan, organization_id=0, person_ids=list(range(people)), total=100 * people
    )
    for row in rows:
        a, b = sorted((row.actor_id, row.other_id))
        age = (as_of - row.occurred_at).total_seconds()
        weight = DEFAULT_WEIGHTS.get(row.kind, 1.0) * 0.5 ** (age / half_life)
        ties[(a, b)] = ties.get((a, b), 0.0) + weight
    teams = [str(p.team) for p in plan.people]
    return ties, teams


def exact_optimum(n: int, ties: dict[tuple[int, int], float]) -> float:
    import networkx as nx

    from rapport.pairing.engine import weakness

    graph = nx.Graph()
    graph.add_weighted_edges_from(
        (a, b, weakness(ties.get((a, b), 0.0))) for a in range(n) for b in range(a + 1, n)
    )
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return sum(graph[a][b]["weight"] for a, b in matching)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pools", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--exact-limit", type=int, default=5000)
    parser.add_argument(
        "--stress",
        type=int,
        default=300,
        help="people in the everyone-knows-everyone case (0: skip)",
    )
    args = parser.parse_args()

    from rapport.pairing.engine import Participant, make_round, weak_tie_score

    results = []
    for n in args.pools:
        started = time.perf_counter()
        ties, teams = demo_ties(n, args.seed)
        generated = time.perf_counter() - started
        strengths = sorted(ties.values())
        people = [Participant(id=i, team=teams[i]) for i in range(n)]
        started = time.perf_counter()
        made = make_round(people, 2, ties=ties, seed=args.seed)
        engine_seconds = time.perf_counter() - started
        score = weak_tie_score(made.groups, ties)
        if n <= args.exact_limit:
            started = time.perf_counter()
            optimum = exact_optimum(n, ties)
            exact_seconds: float | None = time.perf_counter() - started
            reference = "networkx.max_weight_matching"
        else:
            optimum, exact_seconds, reference = n / 2, None, "upper bound n/2"
        paired_with_tie = sum(1 for g in made.groups if tuple(g[:2]) in ties)
        figure = {
            "people": n,
            "ties": len(ties),
            "median_tie_strength": round(strengths[len(strengths) // 2], 3),
            "max_tie_strength": round(strengths[-1], 3),
            "engine_score": round(score, 4),
            "optimum": round(optimum, 4),
            "reference": reference,
            "ratio": round(score / optimum, 5),
            "pairs_with_an_existing_tie": paired_with_tie,
            "engine_seconds": round(engine_seconds, 3),
            "exact_seconds": None if exact_seconds is None else round(exact_seconds, 1),
            "ties_generated_seconds": round(generated, 1),
        }
        print(
            f"{n:>6} people, {len(ties)} ties: engine {score:.2f} vs {reference} {optimum:.2f}"
            f" = {score / optimum:.4%} in {engine_seconds:.2f} s"
        )
        results.append(figure)
    stress = None
    if args.stress:
        import random

        rng = random.Random(args.seed)
        n = args.stress
        dense = {(a, b): rng.expovariate(0.5) for a in range(n) for b in range(a + 1, n)}
        started = time.perf_counter()
        made = make_round([Participant(id=i) for i in range(n)], 2, ties=dense, seed=args.seed)
        engine_seconds = time.perf_counter() - started
        score, optimum = weak_tie_score(made.groups, dense), exact_optimum(n, dense)
        stress = {
            "people": n,
            "engine_score": round(score, 4),
            "optimum": round(optimum, 4),
            "ratio": round(score / optimum, 5),
            "engine_seconds": round(engine_seconds, 3),
        }
        print(f"stress: {n} people who all know each other: {score / optimum:.4%}")
    line = {
        "benchmark": "pairing_quality",
        "pools": results,
        "min_ratio": min(r["ratio"] for r in results),
        "within_target": all(r["ratio"] >= TARGET for r in results),
        "stress": stress,
    }
    emit(line)


if __name__ == "__main__":
    main()
