"""`rapport seed-demo`: create the demo organisation, or a large one for benchmarks.

Without --people it creates the curated demo (Northwind Studio, 80 people); with
--people N it creates an organisation of N people in teams of about 12 with
--interactions rows of history (default: 100 per person). Idempotent: an organisation
that already has people is left as it is.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rapport.demo import generator


def positive_int(value: str) -> int:
    try:
        number = int(value.replace("_", "").replace(",", ""))
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a whole number") from exc
    if number < 0:
        raise ArgumentTypeError("must be zero or more")
    return number


class Command(BaseCommand):
    help = "Create the demo organisation (or, with --people, a large one for benchmarks)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--people",
            type=positive_int,
            default=None,
            help="Generate an organisation of this many people instead of the 80-person demo.",
        )
        parser.add_argument(
            "--interactions",
            type=positive_int,
            default=None,
            help=(
                f"Rows of history (default: {generator.DEMO_INTERACTIONS} for the demo, "
                f"{generator.INTERACTIONS_PER_PERSON} per person with --people)."
            ),
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default: 1).")
        parser.add_argument(
            "--organization",
            default=generator.DEMO_SLUG,
            help=f"Slug of the organisation to fill (default: {generator.DEMO_SLUG}).",
        )
        parser.add_argument("--name", default=None, help="The organisation's name.")

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["organization"]
        people: int | None = options["people"]
        name = options["name"] or (
            generator.DEMO_NAME if slug == generator.DEMO_SLUG else slug.replace("-", " ").title()
        )
        if people is None:
            plan = generator.demo_plan(seed=options["seed"], slug=slug, name=name)
            interactions = options["interactions"]
            if interactions is None:
                interactions = generator.DEMO_INTERACTIONS
        else:
            try:
                plan = generator.large_plan(
                    people=people, seed=options["seed"], slug=slug, name=name
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            interactions = options["interactions"]
            if interactions is None:
                interactions = people * generator.INTERACTIONS_PER_PERSON
        started = time.monotonic()
        result = generator.demo_seed(
            plan=plan,
            interactions=interactions,
            progress=options["verbosity"] >= 1,
            # The curated demo shows every capability; a large organisation made for
            # benchmarks has its people and ledger only (each benchmark seeds the rest).
            capabilities=people is None,
        )
        seconds = time.monotonic() - started
        org = result.organization
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {org.name} ({org.slug}): {result.people:,} people in "
                    f"{result.teams:,} teams, {result.interactions:,} interactions "
                    f"in {seconds:.1f} s."
                )
            )
        else:
            self.stdout.write(
                f"{org.name} ({org.slug}) already has {result.people:,} people and "
                f"{result.interactions:,} interactions: nothing to do."
            )
