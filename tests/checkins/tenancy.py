"""The check-in routes and API operations for the tenancy walk (tests/tenancy)."""

from __future__ import annotations

from typing import Any

from rapport.checkins.models import CheckIn, CheckOn
from rapport.checkins.services import check_on_send, checkin_save


def _checkin(w: Any) -> int:
    checkin, _ = checkin_save(
        person=w.person, mood=2, note="Zelda Secretname feels awful", visibility="team_note"
    )
    return checkin.pk


def _check_on(w: Any) -> int:
    existing = CheckOn.objects.filter(sender=w.admin, recipient=w.person).first()
    if existing is not None:
        return existing.pk
    return check_on_send(
        sender=w.admin, recipient=w.person, message="Zelda Secretname, are you okay?"
    ).pk


def _team(w: Any) -> int:
    _checkin(w) if not CheckIn.objects.filter(person=w.person).exists() else None
    return w.team.pk


PAGE = ("page", None)

ROUTES: dict[str, tuple[str, Any]] = {
    "checkins:home": PAGE,
    "checkins:history": PAGE,
    "checkins:reach_out": PAGE,
    "checkins:threads": PAGE,
    "checkins:check_on_new": PAGE,
    "checkins:set_visibility": ("object", lambda w: {"pk": _checkin(w)}),
    "checkins:teams": PAGE,
    "checkins:team": ("object", lambda w: {"pk": _team(w)}),
    "checkins:thread": ("object", lambda w: {"pk": _check_on(w)}),
}

API_OPERATIONS: dict[str, Any] = {
    "checkins_today_read": None,
    "checkins_today_save": {"mood": 4, "note": "fine", "visibility": "team_note"},
    "checkins_list": None,
    "checkins_history_read": None,
    "checkins_visibility_update": {"visibility": "private"},
    "checkins_team_shared_list": None,
    "checkins_team_figures_read": None,
    "checkins_reach_out_list": None,
    "check_ons_templates_list": None,
    "check_ons_create": {"recipient_id": 2**40, "message": "Hello"},
    "check_ons_list": None,
    "check_ons_read": None,
    "check_ons_reply": {"message": "Hi"},
}

API_PARAMETERS: dict[str, Any] = {
    "checkin_id": _checkin,
    "check_on_id": _check_on,
}

# Writing to a colleague who is not one (the first organisation's people are not) is a 404.
API_REFUSED = {"check_ons_create": 404}
