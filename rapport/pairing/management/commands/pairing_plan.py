"""`rapport pairing-plan`: print a plan of rounds as JSON, for anyone to check.

People are numbered 0..N-1, with no history and no constraints: the plan shows how long
the engine goes before any pair meets twice (see `rapport.pairing.engine.BEST_KNOWN`).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.pairing.engine import Participant, plan_rounds

MAX_PEOPLE = 200_000
MAX_ROUNDS = 200
MAX_ASSIGNMENTS = 2_000_000  # people x rounds: keeps the printed plan to a sensible size


class Command(BaseCommand):
    help = 'Print a plan of pairing rounds as JSON: {"rounds": [[[person, ...], ...], ...]}.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="How many people (N >= 2).")
        parser.add_argument(
            "--group-size", type=int, required=True, help="People per group: 2, 3 or 4."
        )
        parser.add_argument("--rounds", type=int, required=True, help="How many rounds (>= 1).")
        parser.add_argument("--seed", type=int, default=0, help="Seed (same seed, same plan).")

    def handle(self, *args: Any, **options: Any) -> None:
        people: int = options["people"]
        group_size: int = options["group_size"]
        rounds: int = options["rounds"]
        seed: int = options["seed"]
        if not 2 <= group_size <= 4:
            raise CommandError("--group-size must be 2, 3 or 4.")
        if people < 2:
            raise CommandError("--people must be at least 2.")
        if people > MAX_PEOPLE:
            raise CommandError(f"--people must be at most {MAX_PEOPLE}.")
        if people < group_size - 1:
            raise CommandError(
                f"--people must be at least {group_size - 1} for groups of {group_size}."
            )
        if not 1 <= rounds <= MAX_ROUNDS:
            raise CommandError(f"--rounds must be between 1 and {MAX_ROUNDS}.")
        if people * rounds > MAX_ASSIGNMENTS:
            raise CommandError(
                f"--people x --rounds must be at most {MAX_ASSIGNMENTS}: plan fewer rounds."
            )
        if seed < 0:
            raise CommandError("--seed must be zero or more.")
        plan = plan_rounds(
            [Participant(id=i) for i in range(people)], group_size, rounds, seed=seed
        )
        # The shape the issue gives, spacing included: {"rounds": [[[0, 1], [2, 3]], ...]}.
        self.stdout.write(json.dumps({"rounds": plan.as_lists()}))
