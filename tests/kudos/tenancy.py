"""Kudos routes and API operations for the tenancy walk (tests/tenancy): an outsider gets
404 for every object of the first organisation, and sees nothing of it anywhere else."""

from __future__ import annotations

from typing import Any

from rapport.kudos.models import Audience, Kudos, KudosReceiver, KudosValue, TradingFlag


def _kudos(w: Any) -> int:
    # Shared with the whole first organisation: visible to all of it, to nobody outside.
    kudos = Kudos.objects.create(
        organization=w.person.organization,
        giver=w.person,
        message="Thanks from Zelda Secretname",
        audience=Audience.ORGANIZATION,
    )
    KudosReceiver.objects.create(kudos=kudos, person=w.admin)
    return kudos.pk


def _value(w: Any) -> int:
    value, _ = KudosValue.objects.get_or_create(
        organization=w.person.organization, name="Hidden Team Xyzzy value"
    )
    return value.pk


def _flag(w: Any) -> int:
    from django.utils import timezone

    a, b = sorted([w.person, w.admin], key=lambda p: p.pk)
    now = timezone.now()
    return TradingFlag.objects.create(
        organization=w.person.organization,
        person_a=a,
        person_b=b,
        exchanges=3,
        first_exchange_at=now,
        last_exchange_at=now,
    ).pk


PAGE = ("page", None)

ROUTES: dict[str, Any] = {
    "kudos:home": PAGE,
    "kudos:team": PAGE,
    "kudos:mine": PAGE,
    "kudos:give": PAGE,
    "kudos:unsung": PAGE,
    "kudos:values": PAGE,
    "kudos:settings": PAGE,
    "kudos:review": PAGE,
    "kudos:detail": ("object", lambda w: {"pk": _kudos(w)}),
    "kudos:react": ("object", lambda w: {"pk": _kudos(w)}),
    "kudos:reply": ("object", lambda w: {"pk": _kudos(w)}),
    "kudos:value_rename": ("object", lambda w: {"pk": _value(w)}),
    "kudos:value_retire": ("object", lambda w: {"pk": _value(w)}),
    "kudos:value_restore": ("object", lambda w: {"pk": _value(w)}),
    "kudos:review_resolve": ("object", lambda w: {"pk": _flag(w)}),
}

API_PARAMETERS: dict[str, Any] = {
    "kudos_id": _kudos,
    "value_id": _value,
    "flag_id": _flag,
}

API_OPERATIONS: dict[str, Any] = {
    "kudos_create": {"receivers": [1, 2], "message": "Thanks, stranger"},
    "kudos_list_org": None,
    "kudos_list_mine": None,
    "kudos_list_team": None,
    "kudos_read": None,
    "kudos_react": {"kind": "love"},
    "kudos_replies_list": None,
    "kudos_reply": {"message": "Hello from outside"},
    "kudos_values_list": None,
    "kudos_value_create": {"name": "Walked"},
    "kudos_value_update": {"name": "Stolen"},
    "kudos_settings_read": None,
    "kudos_settings_update": {"daily_limit": 5},
    "kudos_unsung_list": None,
    "kudos_review_list": None,
    "kudos_review_resolve": None,
}

# Thanking people of the first organisation (by guessed ids) is refused, without saying
# whether they exist.
API_REFUSED: dict[str, int] = {"kudos_create": 422}
