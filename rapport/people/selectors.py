"""Reads about people and teams, shaped for pages and the API (no N+1: each returns a
queryset that fetches what its callers show)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Membership, Person, Team


def people_directory(
    *, viewer: Person, query: str = "", team: Team | None = None
) -> QuerySet[Person]:
    """Colleagues the viewer can see, alphabetically, optionally matching a search."""
    people = Person.objects.visible_to(viewer).current().select_related("user", "manager")
    if team is not None:
        people = people.filter(memberships__team=team)
    query = query.strip()
    if query:
        people = people.filter(
            Q(display_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(title__icontains=query)
            | Q(location__icontains=query)
        )
    return people.order_by("display_name", "id")


def teams_list(*, viewer: Person, query: str = "") -> QuerySet[Team]:
    teams = (
        Team.objects.visible_to(viewer)
        .select_related("parent")
        .annotate(member_count=Count("memberships", filter=~Q(memberships__person__status="left")))
    )
    if query.strip():
        teams = teams.filter(name__icontains=query.strip())
    return teams.order_by("name", "id")


def team_members(*, team: Team) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(team=team)
        .exclude(person__status=Person.Status.LEFT)
        .select_related("person__user")
        .order_by("role", "person__display_name", "person_id")  # "lead" sorts first
    )


def person_teams(*, person: Person) -> QuerySet[Membership]:
    return Membership.objects.filter(person=person).select_related("team").order_by("team__name")
