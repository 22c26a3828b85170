"""factory_boy factories for the foundation's models; later apps add their own here."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from rapport.accounts.models import User
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.people.models import Membership, Organization, Person, Team

PASSWORD = "correct horse battery staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.django.Password(PASSWORD)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    display_name = factory.Sequence(lambda n: f"Person {n}")
    time_zone = "Europe/London"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    team = factory.SubFactory(
        TeamFactory, organization=factory.SelfAttribute("..person.organization")
    )
    role = Membership.Role.MEMBER


class InteractionFactory(factory.django.DjangoModelFactory):
    """For read-side tests only; code under test writes through ledger.services."""

    class Meta:
        model = Interaction

    actor = factory.SubFactory(PersonFactory)
    other = factory.SubFactory(
        PersonFactory, organization=factory.SelfAttribute("..actor.organization")
    )
    organization = factory.SelfAttribute("actor.organization")
    kind = Kind.KUDOS
    weight = 1.0
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
