"""The help board's routes and API operations for the tenancy walks (tests/tenancy)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from rapport.helpboard import services
from rapport.helpboard.models import HelpRequest, Offer


def _request(w: Any) -> HelpRequest:
    """An organisation-wide request of the first organisation, with its secret words."""
    return services.help_request_create(
        requester=w.person,
        title="Zelda Secretname needs a hand",
        skills=["hidden-skill"],
        effort="under_hour",
        needed_by=timezone.now().date() + timedelta(days=5),
    )


def _offer(w: Any) -> Offer:
    return services.offer_create(request=_request(w), helper=w.admin, message="Zelda Secretname")


def _capacity(w: Any) -> None:
    services.capacity_update(person=w.person, status="available", skills=["zelda-skill"])


def _page_with_data(w: Any) -> dict[str, Any]:
    # Pages without an object: give the first organisation things to leak.
    _capacity(w)
    _request(w)
    return {}


PAGE_WITH_DATA = ("page", _page_with_data)

ROUTES = {
    "helpboard:home": PAGE_WITH_DATA,
    "helpboard:capacity": PAGE_WITH_DATA,
    "helpboard:request_new": PAGE_WITH_DATA,
    "helpboard:request_detail": ("object", lambda w: {"pk": _request(w).pk}),
    "helpboard:offer_create": ("object", lambda w: {"pk": _request(w).pk}),
    "helpboard:request_done": ("object", lambda w: {"pk": _request(w).pk}),
    "helpboard:request_close": ("object", lambda w: {"pk": _request(w).pk}),
    "helpboard:offer_accept": ("object", lambda w: {"pk": _offer(w).pk}),
}

API_PARAMETERS = {
    "help_request_id": lambda w: _request(w).pk,
    "help_offer_id": lambda w: _offer(w).pk,
}

API_OPERATIONS = {
    "helpboard_capacity_read": None,
    "helpboard_capacity_update": {"status": "available", "skills": ["walking"]},
    "helpboard_people_with_capacity_list": None,
    "helpboard_skills_list": None,
    "help_requests_list": None,
    "help_requests_create": {
        "title": "Walked",
        "effort": "under_hour",
        "needed_by": "2099-01-01",
    },
    "help_request_read": None,
    "help_request_close": None,
    "help_request_done": None,
    "help_offers_create": {"message": "walk"},
    "help_offer_accept": None,
}
