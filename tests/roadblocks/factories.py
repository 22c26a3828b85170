"""Factories for roadblocks (read-side and page tests; behaviour goes through services)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from rapport.roadblocks.models import Roadblock, TalkInvitation
from tests.factories import PersonFactory


class RoadblockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roadblock

    author = factory.SubFactory(PersonFactory)
    organization = factory.SelfAttribute("author.organization")
    person = factory.SubFactory(
        PersonFactory, organization=factory.SelfAttribute("..author.organization")
    )
    what_happened = "The review I asked for came back a week late."
    how_i_felt = "Stuck."
    what_i_need = "A date I can plan around."
    what_i_will_ask = "agree on review dates up front"
    opener = "I noticed the review came back a week late."
    next_reminder_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


class TalkInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkInvitation

    roadblock = factory.SubFactory(RoadblockFactory)
    organization = factory.SelfAttribute("roadblock.organization")
    sender = factory.SelfAttribute("roadblock.author")
    recipient = factory.SelfAttribute("roadblock.person")
    message = "Could we talk about review dates this week?"
