"""Commitments' routes and API operations for the tenancy walks (tests/tenancy)."""

from __future__ import annotations

from typing import Any

from ..factories import PersonFactory


def _commitment(w: Any) -> int:
    from .factories import promise

    colleague = PersonFactory(organization=w.person.organization, display_name="Colleague Walk")
    return promise(w.person, colleague, text="For Zelda Secretname only").pk


def _object(build: Any) -> tuple[str, Any]:
    return ("object", build)


PAGE = ("page", None)

ROUTES = {
    "commitments:home": PAGE,
    "commitments:new": PAGE,
    "commitments:ask": PAGE,
    "commitments:record": PAGE,
    "commitments:settings": PAGE,
    "commitments:teams": PAGE,
    "commitments:team": _object(lambda w: {"pk": w.team.pk}),
    "commitments:shared": PAGE,
    "commitments:person_record": _object(lambda w: {"pk": w.person.pk}),
    "commitments:detail": _object(lambda w: {"pk": _commitment(w)}),
    "commitments:accept": _object(lambda w: {"pk": _commitment(w)}),
    "commitments:decline": _object(lambda w: {"pk": _commitment(w)}),
    "commitments:renegotiate": _object(lambda w: {"pk": _commitment(w)}),
    "commitments:deliver": _object(lambda w: {"pk": _commitment(w)}),
    "commitments:confirm": _object(lambda w: {"pk": _commitment(w)}),
    "commitments:object": _object(lambda w: {"pk": _commitment(w)}),
    "commitments:release": _object(lambda w: {"pk": _commitment(w)}),
}

FUTURE = "2099-01-04T09:00:00Z"

API_OPERATIONS = {
    "commitments_list": None,
    "commitments_create": {"text": "walk", "receiver_ids": [1], "due_at": FUTURE},
    "commitments_ask": {"promiser_id": 1, "text": "walk", "due_at": FUTURE},
    "commitments_record": None,
    "commitments_settings_read": None,
    "commitments_settings_update": {"reminder_minutes": [60], "share_record": False},
    "commitments_shared_records": None,
    "commitments_person_record": None,
    "commitments_team_record": None,
    "commitment_read": None,
    "commitment_accept": {},
    "commitment_decline": {"note": "walk"},
    "commitment_renegotiate": {"due_at": FUTURE, "message": "walk"},
    "commitment_deliver": {},
    "commitment_confirm": None,
    "commitment_object": {"note": "walk"},
    "commitment_release": {},
}

API_PARAMETERS = {"commitment_id": _commitment}

# Promising to, or asking, someone of another organisation: "only people in your
# organisation", the same answer whether the id exists elsewhere or not at all.
API_REFUSED = {"commitments_create": 422, "commitments_ask": 422}
