"""`rapport import-roster roster.csv --organization acme`: the roster import from a shell
(the format is described in people.roster and the README)."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, Never

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from rapport.people.models import Organization
from rapport.people.roster import roster_apply, roster_read


class Command(BaseCommand):
    help = (
        "Create and update people, teams and managers from a CSV roster, keyed by email. "
        "Nothing is written if any row is wrong."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the roster CSV (UTF-8), or - to read standard input")
        parser.add_argument(
            "--organization", required=True, metavar="SLUG", help="the organisation's slug"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--create-organization",
            metavar="NAME",
            help="create the organisation with this name if the slug is new (first setup)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parsed = roster_read(data=self._read(options["file"]))
        dry_run: bool = options["dry_run"]
        with transaction.atomic():
            organization, created = self._organization(
                options["organization"], options["create_organization"]
            )
            progress = _ProgressBar(total=len(parsed.rows), enabled=options["verbosity"] > 0)
            try:
                result = roster_apply(
                    organization=organization, parsed=parsed, dry_run=dry_run, progress=progress
                )
            finally:
                progress.close()
            if created and not result.applied:
                # A dry run or a failed import leaves no empty organisation behind.
                transaction.set_rollback(True)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            noun = "error" if len(result.errors) == 1 else "errors"
            raise CommandError(f"The roster has {len(result.errors)} {noun}; nothing was imported.")
        if created:
            verb = "Would create" if dry_run else "Created"
            self.stdout.write(f"{verb} the organisation {organization.name} ({organization.slug}).")
        self.stdout.write(result.describe())
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")

    def _read(self, file: str) -> bytes:
        if file == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Can't read {file}: {exc.strerror}.") from exc

    def _organization(self, slug: str, create_name: str | None) -> tuple[Organization, bool]:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is not None:
            return organization, False
        if not create_name:
            raise CommandError(
                f"There is no organisation with the slug {slug!r}. Check the slug, or pass "
                "--create-organization NAME to create it."
            )
        organization = Organization(name=create_name.strip(), slug=slug)
        try:
            organization.full_clean()
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"Can't create the organisation: {problems}") from exc
        organization.save()
        return organization, True


class _ProgressBar:
    """A tqdm bar on stderr that appears only once writing starts (not while checking)."""

    def __init__(self, *, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.bar: tqdm[Never] | None = None

    def __call__(self, rows: int) -> None:
        if self.bar is None and self.enabled:
            self.bar = tqdm(total=self.total, desc="Importing", unit=" people", file=sys.stderr)
        if self.bar is not None:
            self.bar.update(rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
