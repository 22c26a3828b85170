"""Pages about colleagues and teams: the directory, profiles, team pages, roles."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from rapport.lib.pagination import paginate, search_text

from . import selectors
from .access import PersonRequest, get_person_for, get_team_for, org_admin_required, person_required
from .data_rights import person_data_erase, person_data_export
from .services import RoleChangeError, person_set_roles


@person_required
def directory(request: PersonRequest) -> HttpResponse:
    query = search_text(request)
    page = paginate(request, selectors.people_directory(viewer=request.person, query=query))
    template = "people/_directory_results.html" if request.htmx else "people/directory.html"
    return render(request, template, {"page": page, "query": query})


@person_required
def person_detail(request: PersonRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.person, pk)
    return render(
        request,
        "people/person_detail.html",
        {
            "subject": person,
            "memberships": selectors.person_teams(person=person),
            "reports": selectors.people_directory(viewer=request.person).filter(manager=person),
        },
    )


@person_required
def teams(request: PersonRequest) -> HttpResponse:
    query = search_text(request)
    page = paginate(request, selectors.teams_list(viewer=request.person, query=query))
    return render(request, "people/teams.html", {"page": page, "query": query})


@person_required
def team_detail(request: PersonRequest, pk: int) -> HttpResponse:
    team = get_team_for(request.person, pk)
    page = paginate(request, selectors.team_members(team=team))
    subteams = selectors.teams_list(viewer=request.person).filter(parent=team)
    connection = selectors.team_connection(viewer=request.person, team=team)
    return render(
        request,
        "people/team_detail.html",
        {"team": team, "page": page, "subteams": subteams, "connection": connection},
    )


@org_admin_required
def admin_members(request: PersonRequest) -> HttpResponse:
    query = search_text(request)
    people = selectors.people_directory(viewer=request.person, query=query).prefetch_related(
        "memberships__team"
    )
    page = paginate(request, people)
    return render(request, "people/admin_members.html", {"page": page, "query": query})


@require_POST
@org_admin_required
def admin_member_roles(request: PersonRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.person, pk)
    lead_team_ids = {int(v) for v in request.POST.getlist("lead_team") if v.isdigit()}
    try:
        person_set_roles(
            actor=request.person,
            person=person,
            is_org_admin=request.POST.get("is_org_admin") == "on",
            lead_team_ids=lead_team_ids,
        )
    except RoleChangeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Roles of {person.display_name} saved.")
    return redirect("people:admin_members")


@require_POST
@person_required
def my_data_export(request: PersonRequest) -> HttpResponse:
    data = person_data_export(person=request.person)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="rapport-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@org_admin_required
def person_erase(request: PersonRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.person, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm the erasure.")
        return redirect("people:detail", pk=person.pk)
    try:
        person_data_erase(actor=request.person, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("people:detail", pk=person.pk)
    messages.success(request, "Their personal data is erased. Team figures keep their history.")
    return redirect("people:directory")
