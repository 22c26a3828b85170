from __future__ import annotations

import pytest

from rapport.people.models import Person
from tests.factories import MembershipFactory, PersonFactory


@pytest.fixture
def colleague(org, team) -> Person:
    person = PersonFactory(organization=org, display_name="Cole Colleague")
    MembershipFactory(person=person, team=team)
    return person


@pytest.fixture
def third(org, team) -> Person:
    person = PersonFactory(organization=org, display_name="Tess Third")
    MembershipFactory(person=person, team=team)
    return person
