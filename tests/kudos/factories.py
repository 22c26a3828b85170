"""Factories for kudos tests. Code under test writes through kudos.services; these are for
setting up history quickly."""

from __future__ import annotations

import factory
from django.utils import timezone

from rapport.kudos.models import Audience, Kudos, KudosReceiver, KudosValue
from tests.factories import OrganizationFactory, PersonFactory


class KudosValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KudosValue

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Value {n}")


class KudosFactory(factory.django.DjangoModelFactory):
    """A kudos with receivers: KudosFactory(giver=a, to=[b, c])."""

    class Meta:
        model = Kudos
        skip_postgeneration_save = True

    giver = factory.SubFactory(PersonFactory)
    organization = factory.SelfAttribute("giver.organization")
    message = factory.Sequence(lambda n: f"Thanks for the help with thing {n}")
    audience = Audience.ORGANIZATION
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def to(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        for person in extracted or []:
            KudosReceiver.objects.create(kudos=self, person=person)
