"""Factories for check-in tests: rows made directly, for read-side tests only (code under
test writes through rapport.checkins.services)."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone

from rapport.checkins.models import CheckIn, CheckOn, Visibility
from tests.factories import PersonFactory


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    person = factory.SubFactory(PersonFactory)
    organization = factory.SelfAttribute("person.organization")
    day = factory.LazyFunction(date.today)
    mood = 4
    note = ""
    visibility = Visibility.PRIVATE
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class CheckOnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckOn

    sender = factory.SubFactory(PersonFactory)
    recipient = factory.SubFactory(
        PersonFactory, organization=factory.SelfAttribute("..sender.organization")
    )
    organization = factory.SelfAttribute("sender.organization")
    message = "How are you doing?"
    created_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyFunction(timezone.now)
