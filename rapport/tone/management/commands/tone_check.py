"""`rapport tone-check`: run the tone coach over drafts, one per line on standard input.

    printf 'You never reply.\nThanks for the help!\n' | rapport tone-check

Prints one JSON object per input line, in order:
{"text": ..., "flagged": ..., "flags": [{"start", "end", "kind", "reason"}], "suggestion": ...}.
Offsets count characters (Python string indices) in "text". Empty lines are skipped. A line
longer than the coach accepts is printed unflagged, in the same shape, with a message on
standard error naming its line number, and the run goes on.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from django.core.management.base import BaseCommand

from rapport.tone.coach import MAX_DRAFT_CHARS
from rapport.tone.results import tone_result, too_long_message, too_long_result


class Command(BaseCommand):
    help = "Check drafts (one per line on stdin) for tone; print one JSON object per line."
    # call_command(..., stdin=io.StringIO(...)) in tests
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--keep-empty",
            action="store_true",
            help="print an unflagged object for empty lines instead of skipping them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stdin: TextIO = options.get("stdin") or sys.stdin
        for number, raw in enumerate(stdin, start=1):
            text = raw.rstrip("\r\n")
            if not text.strip() and not options["keep_empty"]:
                continue
            if len(text) > MAX_DRAFT_CHARS:
                self.stderr.write(f"line {number}: {too_long_message(len(text))}")
                result = too_long_result(text)
            else:
                result = tone_result(text)
            self.stdout.write(json.dumps(result, ensure_ascii=False))
