"""Reads about people and teams, shaped for pages and the API (no N+1: each returns a
queryset that fetches what its callers show)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q, QuerySet

from rapport.ledger.selectors import strong_tie_counts
from rapport.privacy.gate import Result
from rapport.privacy.services import release_aggregate

from .models import Membership, Person, Team


def people_directory(
    *, viewer: Person, query: str = "", team: Team | None = None
) -> QuerySet[Person]:
    """Colleagues the viewer can see, alphabetically, optionally matching a search."""
    people = Person.objects.visible_to(viewer).current()
    if team is not None:
        people = people.filter(memberships__team=team)
    query = query.strip()
    if query:
        own_columns = (
            Q(display_name__icontains=query)
            | Q(title__icontains=query)
            | Q(location__icontains=query)
        )
        by_email = Q(user__email__icontains=query)
        if connection.vendor == "postgresql":
            # Trigram indexes serve each half; one OR across the person and user tables
            # would make PostgreSQL scan every person instead, so join the halves by UNION.
            matching = (
                people.filter(own_columns)
                .order_by()
                .values("pk")
                .union(people.filter(by_email).order_by().values("pk"))
            )
            people = Person.objects.filter(pk__in=matching)
        else:
            # SQLite has no index for substrings: one scan with the OR beats two.
            people = people.filter(own_columns | by_email)
    return people.select_related("user", "manager").order_by("display_name", "id")


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


def team_connection(*, viewer: Person, team: Team) -> Result[int]:
    """The share of the team's members with at least three strong ties, in percent.

    A figure about people, so it is released only through the privacy gate: a team too
    small, or one whose membership changed by fewer than k people since the viewer last
    saw it, gets no figure at all.
    """
    members = list(
        Membership.objects.filter(team=team, person__erased_at__isnull=True)
        .exclude(person__status=Person.Status.LEFT)
        .values_list("person_id", flat=True)
    )

    def share_connected(people: frozenset[int]) -> int:
        counts = strong_tie_counts(organization=viewer.organization, people_ids=sorted(people))
        connected = sum(1 for count in counts.values() if count >= 3)
        return round(100 * connected / len(people))

    return release_aggregate(
        viewer=viewer,
        question=f"team_connection:team={team.pk}",
        label=team.name,
        members=members,
        organization=viewer.organization,
        compute=share_connected,
    )


#: At most this many people are offered in a person picker (see pickable_people).
PICKER_LIMIT = 200


def pickable_people(
    *, viewer: Person, among: QuerySet[Person], chosen: Iterable[int] = ()
) -> QuerySet[Person]:
    """Who a person picker lists, out of `among` (everyone the field would accept): the
    viewer's teammates and whoever is already chosen, by name, at most PICKER_LIMIT. Anyone
    else is reached from the directory: a colleague's page opens each form with them chosen.
    """
    teammates = Membership.objects.filter(
        team__in=Membership.objects.filter(person=viewer).values("team_id")
    ).values("person_id")
    return among.filter(Q(pk__in=teammates) | Q(pk__in=list(chosen))).order_by(
        "display_name", "id"
    )[:PICKER_LIMIT]
