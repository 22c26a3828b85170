"""Today: the home page. One calm place to start the day."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from rapport.care.views import therapist_home_url
from rapport.ledger.selectors import person_ties
from rapport.people.access import PersonRequest, person_required
from rapport.people.selectors import person_teams

from .selectors import day_for


def today(request: HttpRequest) -> HttpResponse:
    """The home page; therapists and practice admins (who belong to no organisation) start
    at their own schedule instead."""
    if request.user.is_authenticated and getattr(request, "person", None) is None:
        staff_home = therapist_home_url(request.user)
        if staff_home is not None:
            return redirect(staff_home)
    return _today(request)  # type: ignore[arg-type]  # person_required checks it


@person_required
def _today(request: PersonRequest) -> HttpResponse:
    person = request.person
    now = timezone.now()
    ties = person_ties(person=person, limit=5)
    strongest = ties[0].strength if ties else 1.0
    return render(
        request,
        "today/today.html",
        {
            "ties": [(t, max(4, round(100 * t.strength / strongest))) for t in ties],
            "memberships": person_teams(person=person),
            "day": day_for(person=person, now=now),
            "now": now,
        },
    )
