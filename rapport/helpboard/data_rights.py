"""A person's help board data: their capacity, requests and offers. Exported whole; on
erasure their own words are deleted (the ledger keeps that they helped, anonymised)."""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Capacity, HelpRequest, Offer


def _export(person: Person) -> dict[str, Any]:
    capacity = Capacity.objects.filter(person=person).prefetch_related("skills").first()
    requests = (
        HelpRequest.objects.filter(requester=person)
        .prefetch_related("skills", "offers__helper")
        .order_by("created_at")
    )
    return {
        "capacity": (
            {
                "status": capacity.status,
                "available_until": (
                    capacity.available_until.isoformat() if capacity.available_until else None
                ),
                "skills": sorted(s.name for s in capacity.skills.all()),
                "suggestions_off": capacity.suggestions_off,
                "updated": capacity.updated_at.isoformat(),
            }
            if capacity
            else None
        ),
        "requests": [
            {
                "title": r.title,
                "description": r.description,
                "skills": sorted(s.name for s in r.skills.all()),
                "effort": r.effort,
                "needed_by": r.needed_by.isoformat(),
                "audience": r.audience,
                "state": r.state,
                "asked_from_post": r.source_post_id,
                "created": r.created_at.isoformat(),
                "offers": [
                    {"from": o.helper.display_name, "message": o.message, "state": o.state}
                    for o in r.offers.all()
                ],
            }
            for r in requests
        ],
        "offers": [
            {
                "request": o.request.title,
                "message": o.message,
                "state": o.state,
                "created": o.created_at.isoformat(),
            }
            for o in Offer.objects.filter(helper=person).select_related("request")
        ],
    }


def _erase(person: Person) -> None:
    Offer.objects.filter(helper=person).delete()
    HelpRequest.objects.filter(requester=person).delete()
    Capacity.objects.filter(person=person).delete()


register("helpboard", export=_export, erase=_erase)
