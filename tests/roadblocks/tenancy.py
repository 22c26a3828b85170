"""The roadblocks routes and API operations for the tenancy walks (tests/tenancy)."""

from __future__ import annotations

from typing import Any

from rapport.roadblocks import services
from rapport.roadblocks.models import Roadblock, TalkInvitation


def _roadblock(w: Any) -> Roadblock:
    existing = Roadblock.objects.filter(author=w.person).first()
    if existing is not None:
        return existing
    return services.roadblock_create(
        author=w.person,
        person=w.admin,
        what_happened="Zelda Secretname's private note",
        how_i_felt="Hidden",
        what_i_need="Secrecy",
        what_i_will_ask="keep this between us",
    )


def _invitation(w: Any) -> TalkInvitation:
    roadblock = _roadblock(w)
    existing = TalkInvitation.objects.filter(roadblock=roadblock).first()
    if existing is not None:
        return existing
    return services.roadblock_invite(roadblock=roadblock, message="Zelda Secretname asks to talk")


def _roadblock_pk(w: Any) -> dict[str, Any]:
    return {"pk": _roadblock(w).pk}


OBJECT = "object"
PAGE = ("page", None)

ROUTES: dict[str, Any] = {
    "roadblocks:home": PAGE,
    "roadblocks:new": PAGE,
    "roadblocks:invitations": PAGE,
    "roadblocks:detail": (OBJECT, _roadblock_pk),
    "roadblocks:edit": (OBJECT, _roadblock_pk),
    "roadblocks:opener": (OBJECT, _roadblock_pk),
    "roadblocks:invite": (OBJECT, _roadblock_pk),
    "roadblocks:outcome": (OBJECT, _roadblock_pk),
    "roadblocks:delete": (OBJECT, _roadblock_pk),
    "roadblocks:invitation": (OBJECT, lambda w: {"pk": _invitation(w).pk}),
}

_FOUR_PARTS = {
    "what_happened": "The walk happened.",
    "how_i_felt": "Curious.",
    "what_i_need": "Nothing.",
    "what_i_will_ask": "walk on",
}

API_OPERATIONS: dict[str, Any] = {
    "roadblocks_list": None,
    "roadblocks_create": {"situation": "A walk", **_FOUR_PARTS},
    "roadblocks_read": None,
    "roadblocks_update": {"opener": "Taken over"},
    "roadblocks_delete": None,
    "roadblocks_suggest_opener": None,
    "roadblocks_invite": {"message": "Hello"},
    "roadblocks_record_outcome": {"outcome": "talked_resolved"},
    "talk_invitations_list": None,
    "talk_invitations_read": None,
    "talk_invitations_respond": {"status": "accepted"},
}

API_PARAMETERS: dict[str, Any] = {
    "roadblock_id": lambda w: _roadblock(w).pk,
    "invitation_id": lambda w: _invitation(w).pk,
}

API_REFUSED: dict[str, int] = {}
