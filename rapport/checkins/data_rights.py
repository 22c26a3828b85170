"""A person's check-ins and check-on messages: exported whole, deleted on erasure.

A check-on conversation belongs to both people in it: the export holds every conversation
the person is in (their own words and what was said to them), and erasure deletes the ones
they started and their own replies in the others. The ledger rows these made stay, like
every interaction (see ledger.data_rights).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import CheckIn, CheckOn, CheckOnReply, Mood


def _export(person: Person) -> dict[str, Any]:
    threads = (
        CheckOn.objects.filter(Q(sender=person) | Q(recipient=person))
        .select_related("sender", "recipient")
        .prefetch_related("replies__author")
        .order_by("created_at", "pk")
    )
    return {
        "checkins": [
            {
                "day": c.day.isoformat(),
                "mood": c.mood,
                "mood_label": Mood(c.mood).label,
                "note": c.note,
                "visibility": c.visibility,
                "updated": c.updated_at.isoformat(),
            }
            for c in CheckIn.objects.filter(person=person).order_by("day").iterator(chunk_size=2000)
        ],
        "messages": [
            {
                "from": t.sender.display_name,
                "to": t.recipient.display_name,
                "sent": t.created_at.isoformat(),
                "message": t.message,
                "replies": [
                    {
                        "from": r.author.display_name,
                        "sent": r.created_at.isoformat(),
                        "message": r.message,
                    }
                    for r in t.replies.all()
                ],
            }
            for t in threads
        ],
    }


def _erase(person: Person) -> None:
    CheckIn.objects.filter(person=person).delete()
    CheckOnReply.objects.filter(author=person).delete()
    CheckOn.objects.filter(sender=person).delete()


register("checkins", export=_export, erase=_erase)
