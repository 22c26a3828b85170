"""Check-in pages: today's check-in, my history, a team's view, and check-on messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.lib.pagination import paginate, search_text
from rapport.people.access import PersonRequest, get_person_for, person_required
from rapport.people.models import Person
from rapport.people.selectors import people_directory

from . import selectors, services
from .forms import MESSAGE_TEMPLATES, CheckInForm, MessageForm, VisibilityForm, template_text
from .models import Mood, Visibility


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
@person_required
def home(request: PersonRequest) -> HttpResponse:
    person = request.person
    today = selectors.checkin_today(person=person)
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                _, created = services.checkin_save(person=person, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    "Thanks for checking in." if created else "Your check-in for today is updated.",
                )
                return redirect("checkins:home")
    elif today is not None:
        form = CheckInForm(
            initial={"mood": today.mood, "note": today.note, "visibility": today.visibility}
        )
    else:
        form = CheckInForm()
    context: dict[str, Any] = {
        "form": form,
        "today": today,
        "day": services.local_day(person=person),
        "support": selectors.support_for(person=person),
        "suggestions": selectors.reach_out_suggestions(person=person, limit=3),
        "teams": selectors.my_teams(person=person),
        "recent": selectors.mood_history(person=person, days=14),
    }
    return render(request, "checkins/home.html", context)


@require_GET
@person_required
def history(request: PersonRequest) -> HttpResponse:
    person = request.person
    days = selectors.mood_history(person=person)
    page = paginate(request, selectors.my_checkins(person=person), per_page=20)
    checked_in = [d for d in days if d.checkin]
    context = {
        "days": days,
        "chart": _chart(days),
        "checked_in": len(checked_in),
        "page": page,
        "visibility_choices": Visibility.choices,
        "moods": Mood.choices,
    }
    return render(request, "checkins/history.html", context)


CHART_BAR = 7  # px per day
CHART_HEIGHT = 100


def _chart(days: list[selectors.HistoryDay]) -> dict[str, Any]:
    """Bars for the SVG chart: one per day, height by mood, nothing on days without one."""
    bars = []
    for index, day in enumerate(days):
        if day.checkin is None:
            continue
        height = day.checkin.mood * CHART_HEIGHT // 5
        bars.append(
            {
                "x": index * CHART_BAR,
                "y": CHART_HEIGHT - height,
                "height": height,
                "mood": day.checkin.mood,
                "title": f"{day.day:%a %d %b}: {day.label}",
            }
        )
    return {"bars": bars, "width": len(days) * CHART_BAR, "height": CHART_HEIGHT}


@require_POST
@person_required
def set_visibility(request: PersonRequest, pk: int) -> HttpResponse:
    checkin = selectors.get_my_checkin_for(request.person, pk)
    form = VisibilityForm(request.POST)
    if form.is_valid():
        services.checkin_set_visibility(checkin=checkin, visibility=form.cleaned_data["visibility"])
        messages.success(
            request,
            f"Sharing for {checkin.day:%A %d %B} is now: "
            f"{Visibility(checkin.visibility).label.lower()}.",
        )
    else:
        messages.error(request, "Choose who may see this check-in.")
    return redirect("checkins:history")


@require_GET
@person_required
def teams(request: PersonRequest) -> HttpResponse:
    """Every team the viewer may look in on: their own, and for org admins all of them."""
    page = paginate(request, selectors.teams_for_checkins(viewer=request.person), per_page=30)
    return render(request, "checkins/teams.html", {"page": page})


@require_GET
@person_required
def team(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    access = selectors.team_access_for(viewer, pk)
    page = None
    if access.is_member:
        page = paginate(
            request, selectors.team_shared_checkins(viewer=viewer, team=access.team), per_page=30
        )
    figures = (
        selectors.team_mood_figures(viewer=viewer, team=access.team)
        if access.sees_figures
        else None
    )
    return render(
        request,
        "checkins/team.html",
        {
            "access": access,
            "team": access.team,
            "page": page,
            "figures": figures,
            "team_days": selectors.TEAM_DAYS,
            "today": services.local_day(person=viewer),
        },
    )


@require_GET
@person_required
def reach_out(request: PersonRequest) -> HttpResponse:
    suggestions = selectors.reach_out_suggestions(person=request.person, limit=10)
    return render(request, "checkins/reach_out.html", {"suggestions": suggestions})


# --- check-on messages ---------------------------------------------------------------------


@require_GET
@person_required
def threads(request: PersonRequest) -> HttpResponse:
    page = paginate(request, selectors.check_ons_for(person=request.person))
    return render(request, "checkins/threads.html", {"page": page})


@require_http_methods(["GET", "POST"])
@person_required
def check_on_new(request: PersonRequest) -> HttpResponse:
    """Write to a colleague: ?to=<id> picks them (from a suggestion, or the search here);
    ?start=<template> fills the message with one of our openers to edit."""
    sender = request.person
    recipient: Person | None = None
    to = request.POST.get("to") or request.GET.get("to")
    if to:
        recipient = get_person_for(sender, to)  # type: ignore[arg-type]
    if recipient is None:
        query = search_text(request)
        people = None
        if query:
            people = paginate(
                request, people_directory(viewer=sender, query=query).exclude(pk=sender.pk), 10
            )
        return render(request, "checkins/check_on_pick.html", {"query": query, "people": people})

    start = request.GET.get("start", "quieter")
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                check_on = services.check_on_send(
                    sender=sender, recipient=recipient, message=form.cleaned_data["message"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Sent. {recipient.display_name} can reply here, just to you."
                    if recipient.status != Person.Status.ON_LEAVE
                    else f"Sent. {recipient.display_name} is on leave and will see it when "
                    "they are back.",
                )
                return redirect("checkins:thread", pk=check_on.pk)
    else:
        form = MessageForm(
            initial={"message": template_text(start, recipient_name=recipient.display_name)}
        )
    return render(
        request,
        "checkins/check_on_new.html",
        {
            "form": form,
            "recipient": recipient,
            "templates": [(key, title) for key, (title, _) in MESSAGE_TEMPLATES.items()],
            "start": start,
            "is_self": recipient.pk == sender.pk,
        },
    )


@require_http_methods(["GET", "POST"])
@person_required
def thread(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    check_on = selectors.check_on_with_replies(viewer, pk)
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_on_reply(
                check_on=check_on, author=viewer, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Your reply is sent, just to them.")
            return redirect("checkins:thread", pk=check_on.pk)
    return render(
        request,
        "checkins/thread.html",
        {
            "check_on": check_on,
            "other": check_on.other_than(viewer),
            "replies": list(check_on.replies.all()),
            "form": form,
        },
    )
