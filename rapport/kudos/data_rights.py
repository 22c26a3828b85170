"""What kudos hold about a person: thanks they gave and received, their replies and
reactions. On erasure the words they wrote are blanked and their reactions removed; the
thanks themselves stay, so the people who received them keep them."""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Kudos, KudosReaction, KudosReply
from .services import kudos_erase_author


def _kudos_row(kudos: Kudos) -> dict[str, Any]:
    return {
        "when": kudos.created_at.isoformat(),
        "from": kudos.giver.display_name,
        "to": [r.person.display_name for r in kudos.receipts.all()],
        "message": kudos.message,
        "value": kudos.value.name if kudos.value else None,
        "audience": kudos.audience,
    }


def _export(person: Person) -> dict[str, Any]:
    base = Kudos.objects.select_related("giver", "value").prefetch_related("receipts__person")
    return {
        "given": [_kudos_row(k) for k in base.filter(giver=person).order_by("created_at", "pk")],
        "received": [
            _kudos_row(k) for k in base.filter(receipts__person=person).order_by("created_at", "pk")
        ],
        "replies": [
            {"when": r.created_at.isoformat(), "on_kudos": r.kudos_id, "message": r.message}
            for r in KudosReply.objects.filter(author=person).order_by("created_at", "pk")
        ],
        "reactions": [
            {"when": r.created_at.isoformat(), "on_kudos": r.kudos_id, "reaction": r.kind}
            for r in KudosReaction.objects.filter(person=person).order_by("created_at", "pk")
        ],
    }


def _erase(person: Person) -> None:
    kudos_erase_author(person=person)


register("kudos", export=_export, erase=_erase)
