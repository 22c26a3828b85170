"""Who may do what with people and teams. Views call these; they never test roles inline."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from rapport.lib.tenancy import get_for

from .models import Person, Team

V = TypeVar("V", bound=Callable[..., HttpResponse])


class PersonRequest(HttpRequest):
    """The request a view gets behind `person_required`: `person` is always set."""

    person: Person
    htmx: HtmxDetails


def person_required(view: V) -> V:
    """The view needs a signed-in person of an organisation."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.person is None:  # type: ignore[attr-defined]
            return render(request, "people/no_organization.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def org_admin_required(view: V) -> V:
    """The view is for the organisation's people team only."""

    @wraps(view)
    @person_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.person.is_org_admin:  # type: ignore[attr-defined]
            raise PermissionDenied("Only org admins can do this.")
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def get_person_for(viewer: Person, pk: int) -> Person:
    return get_for(viewer, Person.objects.select_related("user", "manager"), pk=pk)


def get_team_for(viewer: Person, pk: int) -> Team:
    return get_for(viewer, Team.objects.select_related("parent"), pk=pk)
