"""Who may see what in Care. Views and the API call these; they never test roles inline.

Three kinds of people reach Care:

- a *member* (any Person of an organisation, whatever their role there): their own
  bookings only. Team leads and org admins are members too when they book for
  themselves, and get 404 for anyone else's booking.
- a *therapist*: a User with an active `Therapist` profile. Not a Person: PersonMiddleware
  sets `request.person = None` for them and `person_required` would answer "not part of an
  organisation", so therapist pages use `therapist_required` instead.
- a *practice admin*: a User with a `PracticeAdmin` row; sees schedules, never intake or
  notes.

Everything that is not yours answers 404, never 403: a 403 would confirm that a booking
or a therapist page exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from rapport.lib.tenancy import get_for
from rapport.people.models import Person

from .models import Booking, DateException, Practice, PracticeAdmin, Therapist

V = TypeVar("V", bound=Callable[..., HttpResponse])


class TherapistRequest(HttpRequest):
    therapist: Therapist
    htmx: HtmxDetails


class PracticeAdminRequest(HttpRequest):
    practices: QuerySet[Practice]
    htmx: HtmxDetails


def therapist_for_user(user: Any) -> Therapist | None:
    """The signed-in user's therapist profile, paused or not: a therapist who takes no new
    bookings still sees and looks after the appointments they have."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Therapist.objects.select_related("practice").filter(user=user).first()


def administered_practices(user: Any) -> QuerySet[Practice]:
    if not getattr(user, "is_authenticated", False):
        return Practice.objects.none()
    return Practice.objects.filter(admins__user=user)


def member_required(view: V) -> V:
    """The view is a member's (a Person's). Signed-in users without a Person (therapists,
    practice admins) get 404 here, not people's "no organisation" page: the member side of
    Care is none of their business, and a 404 says nothing about what exists."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "person", None) is None:
            raise Http404("Not here")
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def therapist_required(view: V) -> V:
    """The view is for a therapist: anyone else signed in gets 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        therapist = therapist_for_user(request.user)
        if therapist is None:
            raise Http404("No therapist here")
        request.therapist = therapist  # type: ignore[attr-defined]
        timezone.activate(therapist.tz)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def practice_admin_required(view: V) -> V:
    """The view is for a practice's admins: anyone else signed in gets 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        practices = administered_practices(request.user)
        if not practices.exists():
            raise Http404("No practice here")
        request.practices = practices  # type: ignore[attr-defined]
        therapist = therapist_for_user(request.user)
        if therapist is not None:
            timezone.activate(therapist.tz)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def care_staff_required(view: V) -> V:
    """Therapists and practice admins (availability pages serve both)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        therapist = therapist_for_user(request.user)
        if therapist is None and not administered_practices(request.user).exists():
            raise Http404("No practice here")
        if therapist is not None:
            timezone.activate(therapist.tz)
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


# --- object lookups (404 for missing and not-yours alike) ----------------------------------


def get_booking_for(viewer: Person, pk: int) -> Booking:
    """One of the viewer's own bookings."""
    queryset = Booking.objects.select_related(
        "therapist", "therapist__practice", "session_type", "client__user"
    )
    return get_for(viewer, queryset, pk=pk)


def get_therapist_for(viewer: Person, pk: int) -> Therapist:
    """A therapist the viewer's organisation offers."""
    return get_for(viewer, Therapist.objects.select_related("practice"), pk=pk)


def get_session_for(therapist: Therapist, pk: int) -> Booking:
    """One of the therapist's own sessions (with the client, for their name)."""
    try:
        return Booking.objects.select_related("client", "client__user", "session_type").get(
            therapist=therapist, pk=pk
        )
    except (Booking.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No session here") from exc


def get_managed_therapist(user: Any, pk: int) -> Therapist:
    """A therapist whose availability `user` may manage: themselves, or one of a practice
    they administer."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No therapist here")
    mine = Therapist.objects.filter(pk=pk, user=user)
    managed = Therapist.objects.filter(pk=pk, practice__admins__user=user)
    therapist = (mine | managed).select_related("practice").distinct().first()
    if therapist is None:
        raise Http404("No therapist here")
    return therapist


def get_admin_therapist(user: Any, pk: int) -> Therapist:
    """A therapist of a practice `user` administers (for schedules: never notes)."""
    therapist = (
        Therapist.objects.select_related("practice")
        .filter(pk=pk, practice__in=administered_practices(user))
        .first()
    )
    if therapist is None:
        raise Http404("No therapist here")
    return therapist


def get_exception_for(therapist: Therapist, pk: int) -> DateException:
    try:
        return DateException.objects.get(therapist=therapist, pk=pk)
    except (DateException.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No exception here") from exc


def is_practice_admin(user: Any, practice: Practice) -> bool:
    return PracticeAdmin.objects.filter(user=user, practice=practice).exists()
