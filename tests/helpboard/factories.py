"""Factories for help board rows, for read-side tests; behaviour goes through services."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from rapport.helpboard.models import Effort, HelpRequest, Offer
from tests.factories import PersonFactory


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRequest

    requester = factory.SubFactory(PersonFactory)
    organization = factory.SelfAttribute("requester.organization")
    title = factory.Sequence(lambda n: f"Request {n}")
    effort = Effort.UNDER_AN_HOUR
    needed_by = factory.LazyFunction(lambda: timezone.now().date() + timedelta(days=7))


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    request = factory.SubFactory(HelpRequestFactory)
    helper = factory.SubFactory(
        PersonFactory, organization=factory.SelfAttribute("..request.organization")
    )
    message = "I can help"
