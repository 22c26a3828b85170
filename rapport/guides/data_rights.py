"""What the guides hold about a person: the comments they wrote. Erasing deletes them; a
guide an admin rewrote stays the organisation's, without saying who edited it."""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import GuideComment, GuideOverride


def _export(person: Person) -> dict[str, Any]:
    return {
        "comments": [
            {
                "guide": c.guide_slug,
                "text": c.body,
                "created": c.created_at.isoformat(),
                "edited": c.edited_at.isoformat() if c.edited_at else None,
            }
            for c in GuideComment.objects.filter(author=person).order_by("pk")
        ],
        "guides_edited": sorted(
            GuideOverride.objects.filter(updated_by=person).values_list("slug", flat=True)
        ),
    }


def _erase(person: Person) -> None:
    GuideComment.objects.filter(author=person).delete()
    GuideOverride.objects.filter(updated_by=person).update(updated_by=None)


register("guides", export=_export, erase=_erase)
