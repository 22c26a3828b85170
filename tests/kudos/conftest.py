"""People around the shared fixtures' member: a teammate, someone in another team."""

from __future__ import annotations

import pytest

from rapport.people.models import Person
from tests.factories import MembershipFactory, PersonFactory, TeamFactory


@pytest.fixture
def teammate(org, team) -> Person:
    person = PersonFactory(organization=org, display_name="Tomás Teammate", user__password=None)
    MembershipFactory(person=person, team=team)
    return person


@pytest.fixture
def design(org):
    return TeamFactory(organization=org, name="Design")


@pytest.fixture
def designer(org, design) -> Person:
    person = PersonFactory(organization=org, display_name="Dee Designer", user__password=None)
    MembershipFactory(person=person, team=design)
    return person


@pytest.fixture
def loner(org) -> Person:
    """In the organisation but in no team."""
    return PersonFactory(organization=org, display_name="Lou Loner", user__password=None)
