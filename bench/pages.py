"""Benchmark: server time and queries of the pages everyone opens, in a large organisation.

    .venv/bin/python bench/pages.py [--people 100000] [--interactions 10000000] [--requests 30]

Today, the people directory (first page) and a directory search, each requested
`--requests` times as a signed-in member through Django's test client (the whole request:
middleware, views, queries, templates; no network). Prints the median and 95th percentile
server time and the queries per request, then one JSON line. The database setup is the
one of bench/ties.py (same DATABASE_URL, same seeding), so the two share a seeded database.
"""

from __future__ import annotations

from typing import Any

from report import emit
from ties import arguments, database_vendor, prepare, setup_django, sizes
from timing import time_pages

TARGET_MS = 50.0


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], interactions=10_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--search", default="lindqvist", help="the directory search term")
    args = parser.parse_args()
    setup_django(args.people, args.interactions)

    from django.test import Client

    from rapport.people.models import Person

    organization, seed_seconds = prepare(
        args.people, args.interactions, args.organization, args.seed
    )
    people, interactions = sizes(organization)
    vendor = database_vendor()
    print(f"{vendor}: {organization.name}, {people:,} people, {interactions:,} interactions")

    viewer = Person.objects.select_related("user").get(
        organization=organization, user__email=f"member@{organization.slug}.example"
    )
    client = Client()
    client.force_login(viewer.user)
    pages = {
        "today": "/",
        "directory": "/people/",
        "directory_search": f"/people/?q={args.search}",
    }
    figures: dict[str, Any] = {
        "benchmark": "pages",
        "database": vendor,
        "people": people,
        "interactions": interactions,
        "requests": args.requests,
    }
    timings = time_pages(client, pages, requests=args.requests)
    for name, timing in timings.items():
        figures.update(timing.figures(name))
    worst = max(t.median_ms for t in timings.values())
    figures["target_median_ms"] = TARGET_MS
    figures["within_target"] = worst <= TARGET_MS
    if seed_seconds is not None:
        figures["seed_seconds"] = round(seed_seconds, 1)
    emit(figures)


if __name__ == "__main__":
    main()
