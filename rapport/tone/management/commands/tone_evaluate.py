"""`rapport tone-evaluate`: precision and recall of the tone coach on its labelled set.

Prints a table (flagged-or-not, then per kind, for the development and held-out halves)
and ends with one JSON line with the same figures. `--mistakes` also lists the sentences
of the development half that the coach gets wrong (the held-out half is for measuring,
not for tuning, so its mistakes are not listed).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from rapport.tone.evaluate import evaluate, examples_load, summary, table


class Command(BaseCommand):
    help = "Precision/recall of the tone coach on rapport/tone/data/tone_sentences.csv."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--mistakes", action="store_true", help="list the development half's mistakes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        results = evaluate(examples_load())
        self.stdout.write(table(results))
        if options["mistakes"] and "dev" in results:
            for example, predicted in results["dev"].mistakes:
                miss = "missed" if example.flagged else "false alarm"
                kinds = ",".join(sorted(predicted or example.kinds))
                self.stdout.write(f"{miss:<12} {kinds:<22} {example.text}")
        self.stdout.write(json.dumps(summary(results)))
