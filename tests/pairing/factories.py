"""Factories for pairing's models, and a small organisation to pair."""

from __future__ import annotations

from datetime import time
from typing import Any

import factory

from rapport.pairing.models import Program
from rapport.people.models import Organization, Person, Team
from tests.factories import MembershipFactory, PersonFactory, TeamFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    name = factory.Sequence(lambda n: f"Coffee {n}")
    time_zone = "Europe/London"


def colleague(org: Organization, team: Team | None = None, **kwargs: Any) -> Person:
    """A person who never signs in with a password (hashing one is slow)."""
    kwargs.setdefault("work_start", time(9, 0))
    kwargs.setdefault("work_end", time(17, 30))
    person = PersonFactory(organization=org, user__password=None, **kwargs)
    if team is not None:
        MembershipFactory(person=person, team=team)
    return person


def small_org(org: Organization, *, teams: int = 3, per_team: int = 4) -> list[Person]:
    """`teams` teams of `per_team` people; the first of each team manages the others."""
    people = []
    for t in range(teams):
        team = TeamFactory(organization=org, name=f"Team {t}")
        lead = colleague(org, team, display_name=f"Lead {t}", location="London")
        people.append(lead)
        for i in range(per_team - 1):
            people.append(
                colleague(org, team, display_name=f"P{t}-{i}", manager=lead, location="London")
            )
    return people
