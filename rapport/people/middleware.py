"""Attach the signed-in user's Person (or None) to every request as `request.person`."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
        request.person = _person_for(request)  # type: ignore[attr-defined]
        return self.get_response(request)
