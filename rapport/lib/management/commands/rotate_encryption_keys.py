"""`rapport rotate-encryption-keys`: re-encrypt every encrypted value under the newest key.

Run it after putting a new key first in RAPPORT_ENCRYPTION_KEYS and before dropping the
old one (README, "Encryption keys and rotation"). It finds every model with an
EncryptedTextField, walks each table in batches (one transaction each) and rewrites only
the values that aren't under the newest key yet, so it is safe to interrupt and to run
again. `--dry-run` counts what it would rewrite and changes nothing. Values that no
configured key can decrypt are left alone, listed, and make the command fail: keep every
key until they are explained.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from tqdm import tqdm

from rapport.lib.encryption import (
    RotationResult,
    encrypted_rows_count,
    encrypted_rows_rotate,
    keyring,
    models_with_encrypted_fields,
)

#: how many undecryptable values the error names before it only counts the rest
SHOWN_UNDECRYPTABLE = 20


def positive_int(value: str) -> int:
    try:
        number = int(value.replace("_", ""))
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a whole number") from exc
    if number < 1:
        raise ArgumentTypeError("must be 1 or more")
    return number


def _rows(count: int) -> str:
    return f"{count} row" if count == 1 else f"{count} rows"


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value under the newest key in RAPPORT_ENCRYPTION_KEYS."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the rows that need re-encrypting; change nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=500,
            help="Rows per batch and per transaction (default: 500).",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help=f"The database to rotate (default: {DEFAULT_DB_ALIAS!r}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        using: str = options["database"]
        try:
            keys = keyring()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if keys.is_development:
            self.stderr.write(
                self.style.WARNING(
                    "RAPPORT_ENCRYPTION_KEYS is empty: the development key derived from "
                    "SECRET_KEY is the only key, so there is nothing to rotate to."
                )
            )
        show_progress = options["verbosity"] >= 1
        results: list[RotationResult] = []
        for model in models_with_encrypted_fields():
            with tqdm(
                total=encrypted_rows_count(model=model, using=using),
                desc=model._meta.label,
                unit="row",
                file=sys.stderr,
                disable=not show_progress,
                leave=False,
            ) as bar:
                result = encrypted_rows_rotate(
                    model=model,
                    batch_size=options["batch_size"],
                    dry_run=dry_run,
                    using=using,
                    on_batch=bar.update,
                )
            results.append(result)
            self._report_model(result, dry_run=dry_run)
        self._report_total(results, dry_run=dry_run, key_count=keys.count)

    def _report_model(self, result: RotationResult, *, dry_run: bool) -> None:
        verb = "need re-encrypting" if dry_run else "re-encrypted"
        line = f"{result.model._meta.label}: {result.stale} of {_rows(result.rows)} {verb}"
        if result.undecryptable:
            line += f", {len(result.undecryptable)} values undecryptable"
        self.stdout.write(line + ".")

    def _report_total(
        self, results: list[RotationResult], *, dry_run: bool, key_count: int
    ) -> None:
        if not results:
            self.stdout.write("No model has an encrypted field: nothing to do.")
            return
        stale = sum(r.stale for r in results)
        undecryptable = [
            f"{r.model._meta.label}.{name} (pk={pk})"
            for r in results
            for pk, name in r.undecryptable
        ]
        models = f"{len(results)} model" + ("" if len(results) == 1 else "s")
        if dry_run:
            self.stdout.write(
                f"Dry run: {_rows(stale)} in {models} would be re-encrypted; nothing was changed."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Re-encrypted {_rows(stale)} in {models} under the newest key.")
            )
        if undecryptable:
            shown = ", ".join(undecryptable[:SHOWN_UNDECRYPTABLE])
            more = len(undecryptable) - SHOWN_UNDECRYPTABLE
            if more > 0:
                shown += f" and {more} more"
            raise CommandError(
                f"{len(undecryptable)} values can't be decrypted with any key in "
                f"RAPPORT_ENCRYPTION_KEYS and were left as they are: {shown}. Don't drop any "
                "key until they are explained: put back the key they were written with "
                "(after the newest) and run this command again."
            )
        if not dry_run and key_count > 1:
            self.stdout.write(
                "Every value is now under the newest key: the older keys can be removed "
                "from RAPPORT_ENCRYPTION_KEYS."
            )
