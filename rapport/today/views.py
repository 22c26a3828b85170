"""Today: the home page. One calm place to start the day."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from rapport.ledger.selectors import person_ties
from rapport.people.access import PersonRequest, person_required
from rapport.people.selectors import person_teams


@person_required
def today(request: PersonRequest) -> HttpResponse:
    person = request.person
    ties = person_ties(person=person, limit=5)
    strongest = ties[0].strength if ties else 1.0
    return render(
        request,
        "today/today.html",
        {
            "ties": [(t, max(4, round(100 * t.strength / strongest))) for t in ties],
            "memberships": person_teams(person=person),
        },
    )
