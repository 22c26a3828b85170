"""A person's roadblocks, decrypted for them alone, and the invitations they received.

Erasure deletes both: a roadblock is its author's only, and an invitation someone received is
about them. Ledger interactions recorded from held conversations stay (they are part of other
people's figures), attached to the anonymised person like every other interaction.
"""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Roadblock, TalkInvitation


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _export(person: Person) -> dict[str, Any]:
    roadblocks = (
        Roadblock.objects.filter(author=person)
        .select_related("person", "invitation")
        .order_by("created_at", "pk")
    )
    received = (
        TalkInvitation.objects.filter(recipient=person)
        .select_related("sender")
        .order_by("created_at", "pk")
    )
    return {
        "roadblocks": [
            {
                "with": r.person.display_name if r.person is not None else None,
                "situation": r.situation,
                "what_happened": r.what_happened,
                "how_i_felt": r.how_i_felt,
                "what_i_need": r.what_i_need,
                "what_i_will_ask": r.what_i_will_ask,
                "opener": r.opener,
                "remind_after_days": r.remind_after_days,
                "outcome": r.outcome or None,
                "outcome_at": _iso(r.outcome_at),
                "created": _iso(r.created_at),
                "invitation_sent": _invitation(r),
            }
            for r in roadblocks
        ],
        "invitations_received": [
            {
                "from": i.sender.display_name,
                "message": i.message,
                "status": i.status,
                "proposed_time": _iso(i.proposed_time),
                "note": i.response_note,
                "created": _iso(i.created_at),
            }
            for i in received
        ],
    }


def _invitation(roadblock: Roadblock) -> dict[str, Any] | None:
    try:
        invitation = roadblock.invitation
    except TalkInvitation.DoesNotExist:
        return None
    return {
        "message": invitation.message,
        "status": invitation.status,
        "proposed_time": _iso(invitation.proposed_time),
        "created": _iso(invitation.created_at),
    }


def _erase(person: Person) -> None:
    Roadblock.objects.filter(author=person).delete()
    TalkInvitation.objects.filter(recipient=person).delete()


register("roadblocks", export=_export, erase=_erase)
