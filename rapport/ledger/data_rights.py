"""The ledger's part of a person's data: the interactions they took part in. On erasure the
rows stay (ties and insights of everyone else stay consistent), attached to the anonymised
person."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Interaction


def _export(person: Person) -> list[dict[str, Any]]:
    rows = (
        Interaction.objects.filter(Q(actor=person) | Q(other=person))
        .select_related("actor", "other")
        .order_by("occurred_at", "pk")
    )
    return [
        {
            "when": row.occurred_at.isoformat(),
            "what": row.get_kind_display(),
            "you": "did" if row.actor_id == person.pk else "received",
            "with": (row.other if row.actor_id == person.pk else row.actor).display_name,
        }
        for row in rows.iterator(chunk_size=2000)
    ]


register("interactions", export=_export)
