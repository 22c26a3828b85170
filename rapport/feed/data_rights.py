"""What the feed holds about a person: their posts, replies and reactions. Erasing them
deletes all three (their words are theirs); mentions of them in other people's posts lose
their link, the other people's words stay."""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Mention, Post, Reaction, Reply


def _export(person: Person) -> dict[str, Any]:
    return {
        "posts": [
            {
                "kind": p.kind,
                "shared_with": p.team.name if p.team else "everyone",
                "text": p.body,
                "created": p.created_at.isoformat(),
                "edited": p.edited_at.isoformat() if p.edited_at else None,
            }
            for p in Post.objects.filter(author=person).select_related("team").order_by("pk")
        ],
        "replies": [
            {
                "to_post": r.post_id,
                "text": r.body,
                "created": r.created_at.isoformat(),
                "edited": r.edited_at.isoformat() if r.edited_at else None,
            }
            for r in Reply.objects.filter(author=person).order_by("pk")
        ],
        "reactions": [
            {"to_post": post_id, "reaction": kind, "created": created.isoformat()}
            for post_id, kind, created in Reaction.objects.filter(person=person)
            .order_by("pk")
            .values_list("post_id", "kind", "created_at")
        ],
    }


def _erase(person: Person) -> None:
    Post.objects.filter(author=person).delete()
    Reply.objects.filter(author=person).delete()
    Reaction.objects.filter(person=person).delete()
    Mention.objects.filter(person=person).delete()


register("feed", export=_export, erase=_erase)
