"""Shared fixtures: two organisations, people with each role, signed-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.people.models import Membership, Person

from .factories import MembershipFactory, OrganizationFactory, PersonFactory, TeamFactory

# A real SMTP server (aiosmtpd) for every test that sends email.
pytest_plugins = ["tests.smtp"]


@pytest.fixture
def org():
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="Platform")


@pytest.fixture
def member(org, team) -> Person:
    person = PersonFactory(organization=org, display_name="Mia Member")
    MembershipFactory(person=person, team=team)
    return person


@pytest.fixture
def lead(org, team) -> Person:
    person = PersonFactory(organization=org, display_name="Lee Lead")
    MembershipFactory(person=person, team=team, role=Membership.Role.LEAD)
    return person


@pytest.fixture
def admin(org) -> Person:
    return PersonFactory(organization=org, display_name="Ada Admin", is_org_admin=True)


@pytest.fixture
def other_org():
    return OrganizationFactory(name="Globex", slug="globex")


@pytest.fixture
def outsider(other_org) -> Person:
    """An org admin of another organisation: the strongest outsider there is."""
    return PersonFactory(organization=other_org, display_name="Otto Outsider", is_org_admin=True)


def client_for(person: Person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def member_client(member) -> Client:
    return client_for(member)


@pytest.fixture
def org_admin_client(admin) -> Client:
    return client_for(admin)
