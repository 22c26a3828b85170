"""A person's help board data in their export, and gone when an org admin erases them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.helpboard import services
from rapport.helpboard.models import Capacity, HelpRequest, Offer
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.people.data_rights import person_data_erase, person_data_export
from rapport.people.models import Person

pytestmark = pytest.mark.django_db


def _history(member, lead):
    services.capacity_update(person=member, status="available", skills="sql")
    mine = services.help_request_create(
        requester=member,
        title="My words",
        effort="under_hour",
        needed_by=timezone.now().date() + timedelta(days=2),
        skills="sql",
    )
    services.offer_create(request=mine, helper=lead, message="From the lead")
    theirs = services.help_request_create(
        requester=lead, title="Lead's request", effort="under_hour", needed_by=mine.needed_by
    )
    offer = services.offer_create(request=theirs, helper=member, message="My offer")
    services.offer_accept(offer=offer, by=lead)
    services.help_request_done(request=theirs, by=lead)


def test_my_export_holds_my_capacity_requests_and_offers(member, lead):
    _history(member, lead)
    data = person_data_export(person=member)["helpboard"]
    assert data["capacity"]["status"] == "available" and data["capacity"]["skills"] == ["sql"]
    [request] = data["requests"]
    assert request["title"] == "My words"
    assert request["offers"] == [
        {"from": "Lee Lead", "message": "From the lead", "state": "offered"}
    ]
    assert [o["message"] for o in data["offers"]] == ["My offer"]


def test_erasure_deletes_my_words_and_keeps_the_help_i_gave_in_the_ledger(member, lead, admin):
    _history(member, lead)
    member.status = Person.Status.LEFT
    member.save()
    person_data_erase(actor=admin, person=member)
    assert not Capacity.objects.filter(person=member).exists()
    assert not HelpRequest.objects.filter(requester=member).exists()
    assert not Offer.objects.filter(helper=member).exists()
    assert HelpRequest.objects.filter(requester=lead).exists()
    assert Interaction.objects.filter(kind=Kind.HELPED, actor=member, other=lead).exists()
