"""Attach the signed-in user's Person (or None) to every request as `request.person`."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import Person


def _person_for(request: HttpRequest) -> Person | None:
    user = request.user
    if not user.is_authenticated:
        return None
    try:
        return Person.objects.select_related("organization", "user").get(user=user)
    except Person.DoesNotExist:
        return None


class PersonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = _person_for(request)
        request.person = person  # type: ignore[attr-defined]
        # Times are stored in UTC and shown in the viewer's own time zone.
        if person is not None:
            timezone.activate(person.tz)
        else:
            timezone.deactivate()
        return self.get_response(request)
