"""Sign-in data of a person: their API tokens (never the secrets) and invitations."""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Invitation, PersonalAccessToken


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _export(person: Person) -> dict[str, Any]:
    tokens = PersonalAccessToken.objects.filter(user_id=person.user_id).order_by("created_at")
    return {
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created": _iso(t.created_at),
                "last_used": _iso(t.last_used_at),
                "expires": _iso(t.expires_at),
                "revoked": _iso(t.revoked_at),
            }
            for t in tokens
        ],
        "invitations": [
            {"sent": _iso(i.created_at), "accepted": _iso(i.accepted_at)}
            for i in Invitation.objects.filter(person=person).order_by("created_at")
        ],
    }


def _erase(person: Person) -> None:
    PersonalAccessToken.objects.filter(user_id=person.user_id).delete()
    Invitation.objects.filter(person=person).delete()


register("sign_in", export=_export, erase=_erase)
