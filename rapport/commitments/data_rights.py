"""A person's promises: exported whole; on erasure their words are blanked.

A promise is between two sides, so its row stays (the other side's history and the team's
follow-through figures are made of it, attached to the anonymised person); what the erased
person wrote (a promise's text, notes and messages) and what was written to or about them
in promises they were part of is blanked, and their settings and reminders are deleted.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Commitment, CommitmentEvent, CommitmentReminder, CommitmentSettings

ERASED_TEXT = "(erased)"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _export(person: Person) -> dict[str, Any]:
    theirs = (
        Commitment.objects.filter(Q(promiser=person) | Q(receiver_links__person=person))
        .distinct()
        .select_related("promiser", "asked_by")
        .prefetch_related("receivers", "events__actor")
        .order_by("created_at", "pk")
    )
    settings = CommitmentSettings.objects.filter(person=person).first()
    return {
        "promises": [
            {
                "text": c.text,
                "my_side": "promiser" if c.promiser_id == person.pk else "receiver",
                "promiser": c.promiser.display_name,
                "for": [r.display_name for r in c.receivers.all()],
                "asked_by": c.asked_by.display_name if c.asked_by else None,
                "state": c.state,
                "outcome": c.outcome,
                "due": _iso(c.due_at),
                "first_due": _iso(c.original_due_at),
                "delivered": _iso(c.delivered_at),
                "created": _iso(c.created_at),
                "history": [
                    {
                        "what": e.kind,
                        "by": e.actor.display_name if e.actor else "Rapport",
                        "note": e.note,
                        "from": _iso(e.old_due_at),
                        "to": _iso(e.new_due_at),
                        "when": _iso(e.created_at),
                    }
                    for e in c.events.all()
                ],
            }
            for c in theirs
        ],
        "settings": (
            {"reminder_minutes": settings.reminder_minutes, "share_record": settings.share_record}
            if settings
            else None
        ),
    }


def _erase(person: Person) -> None:
    involved = Commitment.objects.filter(
        Q(promiser=person) | Q(receiver_links__person=person)
    ).values("pk")
    Commitment.objects.filter(pk__in=involved).update(text=ERASED_TEXT)
    CommitmentEvent.objects.filter(commitment__in=involved).exclude(note="").update(
        note=ERASED_TEXT
    )
    CommitmentReminder.objects.filter(commitment__promiser=person).delete()
    CommitmentSettings.objects.filter(person=person).delete()


register("commitments", export=_export, erase=_erase)
