from __future__ import annotations

import pytest

from rapport.people.models import Person
from tests.factories import MembershipFactory, PersonFactory, TeamFactory


@pytest.fixture
def design(org):
    return TeamFactory(organization=org, name="Design")


@pytest.fixture
def priya(org, team) -> Person:
    """A teammate of Mia (member) in Platform."""
    person = PersonFactory(
        organization=org,
        display_name="Priya Patel",
        user__email="priya.patel@acme.example",
        user__password=None,
    )
    MembershipFactory(person=person, team=team)
    return person


@pytest.fixture
def sam(org, design) -> Person:
    """In Design only: sees organisation posts, not Platform's."""
    person = PersonFactory(
        organization=org,
        display_name="Sam Okafor",
        user__email="sam@acme.example",
        user__password=None,
    )
    MembershipFactory(person=person, team=design)
    return person
