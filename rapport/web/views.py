"""The shell around every capability: settings, coming-soon pages and error pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rapport.people.access import PersonRequest, person_required
from rapport.people.forms import ProfileForm
from rapport.people.services import person_update_profile

from .capabilities import BY_SLUG


@require_http_methods(["GET", "POST"])
@person_required
def settings_page(request: PersonRequest) -> HttpResponse:
    person = request.person
    form = ProfileForm.for_person(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            person_update_profile(person=person, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("settings")
    return render(request, "web/settings.html", {"form": form})


@person_required
def coming_soon(request: PersonRequest, slug: str) -> HttpResponse:
    capability = BY_SLUG.get(slug)
    if capability is None:
        raise Http404("No such part of Rapport")
    return render(request, "web/coming_soon.html", {"capability": capability})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/error.html", {"title": "Not found", "code": 404}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else None
    return render(
        request,
        "web/error.html",
        {"title": "Not allowed", "code": 403, "message": message},
        status=403,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/error.html", {"title": "Something went wrong", "code": 500}, status=500
    )
