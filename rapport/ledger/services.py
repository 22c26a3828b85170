"""Writes to the interaction ledger. Nothing else creates Interaction rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from rapport.people.models import Person

from .kinds import DEFAULT_WEIGHTS, Kind
from .models import Interaction


def interaction_record(
    *,
    actor: Person,
    other: Person,
    kind: Kind | str,
    occurred_at: datetime | None = None,
    source: models.Model | None = None,
    weight: float | None = None,
) -> Interaction:
    """Record that `actor` did `kind` with `other`. Idempotent per (source, pair, kind)."""
    kind = Kind(kind)
    if actor.pk == other.pk:
        raise ValidationError("An interaction needs two different people.", code="same_person")
    if actor.organization_id != other.organization_id:
        raise ValidationError("Both people must be in the same organisation.", code="tenancy")
    occurred_at = occurred_at or timezone.now()
    if timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be timezone-aware")
    fields = {
        "organization_id": actor.organization_id,
        "actor": actor,
        "other": other,
        "kind": kind,
    }
    if source is not None:
        fields["source_type"] = ContentType.objects.get_for_model(source)
        fields["source_id"] = source.pk
        with transaction.atomic():
            interaction, _ = Interaction.objects.get_or_create(
                **fields,
                defaults={"weight": weight or DEFAULT_WEIGHTS[kind], "occurred_at": occurred_at},
            )
        return interaction
    interaction = Interaction(
        **fields, weight=weight or DEFAULT_WEIGHTS[kind], occurred_at=occurred_at
    )
    interaction.full_clean(exclude=["organization", "actor", "other"])
    interaction.save()
    return interaction


@dataclass(frozen=True, slots=True)
class InteractionRow:
    """One interaction for bulk loading (demo data, imports): ids only, already trusted."""

    organization_id: int
    actor_id: int
    other_id: int
    kind: str
    occurred_at: datetime
    weight: float | None = None
    #: what the interaction came from (a kudos, a reply…), as with interaction_record
    source_type_id: int | None = None
    source_id: int | None = None


def interactions_bulk_record(rows: Iterable[InteractionRow], *, batch_size: int = 20_000) -> int:
    """Insert many interactions fast (COPY on PostgreSQL); returns how many were written.

    For generated or imported history only: rows are not checked one by one, so callers
    pass people of one organisation they have just created or loaded.
    """
    from django.db import connection

    iterator = iter(rows)
    written = 0
    while batch := list(islice(iterator, batch_size)):
        if connection.vendor == "postgresql":
            written += _copy_batch(batch)
        else:
            Interaction.objects.bulk_create(
                [
                    Interaction(
                        organization_id=r.organization_id,
                        actor_id=r.actor_id,
                        other_id=r.other_id,
                        kind=r.kind,
                        weight=r.weight or DEFAULT_WEIGHTS[r.kind],
                        occurred_at=r.occurred_at,
                        source_type_id=r.source_type_id,
                        source_id=r.source_id,
                    )
                    for r in batch
                ],
                batch_size=2_000,
            )
            written += len(batch)
    return written


def _copy_batch(batch: list[InteractionRow]) -> int:
    from django.db import connection

    table = Interaction._meta.db_table
    columns = (
        "organization_id, actor_id, other_id, kind, weight, occurred_at, source_type_id, source_id"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for r in _as_tuples(batch):
                copy.write_row(r)
    return len(batch)


def _as_tuples(batch: list[InteractionRow]) -> Iterator[tuple[object, ...]]:
    for r in batch:
        yield (
            r.organization_id,
            r.actor_id,
            r.other_id,
            r.kind,
            r.weight or DEFAULT_WEIGHTS[r.kind],
            r.occurred_at,
            r.source_type_id,
            r.source_id,
        )
