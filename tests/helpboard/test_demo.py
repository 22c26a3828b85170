"""The help board's demo history: believable, in every state, featuring the demo accounts,
deterministic and quick."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from rapport.demo import generator
from rapport.helpboard import demo
from rapport.helpboard.models import Capacity, HelpRequest, Offer, OfferState, RequestState
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.people.models import Person

from ..conftest import client_for

pytestmark = pytest.mark.django_db


def seeded(slug: str):
    plan = generator.demo_plan(seed=3, slug=slug, name=slug.title())
    result = generator.demo_seed(plan=plan, interactions=300, capabilities=False)
    started = time.perf_counter()
    demo.seed(organization=result.organization, plan=plan)
    return plan, result.organization, time.perf_counter() - started


def shape(organization) -> list[tuple]:
    return [
        (r.title, r.state, r.requester.display_name, r.needed_by, r.offers.count())
        for r in HelpRequest.objects.in_organization(organization)
        .select_related("requester")
        .order_by("created_at", "id")
    ]


def test_the_demo_has_capacities_and_forty_requests_in_every_state_quickly():
    _plan, org, seconds = seeded("helpdemo")
    assert seconds < 2
    people = Person.objects.in_organization(org).current().count()
    assert Capacity.objects.filter(organization=org).count() >= people * 0.7
    requests = HelpRequest.objects.in_organization(org)
    assert requests.count() == 40
    states = Counter(requests.values_list("state", flat=True))
    assert all(states[s] >= 3 for s in RequestState.values), states
    assert Offer.objects.filter(request__organization=org).count() >= 30
    accepted = Offer.objects.filter(request__organization=org, state=OfferState.ACCEPTED)
    helped = Interaction.objects.filter(
        organization=org,
        kind=Kind.HELPED,
        source_type=ContentType.objects.get_for_model(Offer),
    )
    assert helped.count() == accepted.filter(request__state=RequestState.DONE).count() > 0

    accounts = {
        p.user.email.split("@")[0]: p
        for p in Person.objects.in_organization(org).select_related("user")
        if p.user.email.split("@")[0] in ("member", "lead", "admin")
    }
    member = accounts["member"]
    assert Capacity.objects.get(person=member).has_room()
    assert requests.filter(requester=member, state=RequestState.OPEN).exists()
    assert requests.filter(requester=member, state=RequestState.DONE).exists()
    assert requests.filter(requester=accounts["lead"]).exists()
    assert Offer.objects.filter(helper=member).exists()

    # The member, who has room, sees requests matching their skills first.
    response = client_for(member).get(reverse("helpboard:home"))
    rows = response.context["rows"]
    assert rows and rows[0][0].matches_me


def test_the_demo_is_the_same_for_the_same_seed():
    _, first, _ = seeded("helpdemo-a")
    _, second, _ = seeded("helpdemo-b")
    assert shape(first) == shape(second)


def test_the_members_open_request_began_as_a_challenge_they_shared():
    _plan, org, _ = seeded("helpdemo-c")
    member = Person.objects.in_organization(org).get(user__email__startswith="member@")
    request = HelpRequest.objects.get(
        requester=member, state=RequestState.OPEN, source_post__isnull=False
    )
    assert request.source_post.author == member and request.source_post.is_challenge
    assert request.source_post.created_at < request.created_at
    client = client_for(member)
    post_page = client.get(reverse("feed:post", args=[request.source_post_id])).content.decode()
    assert "Help asked" in post_page
    assert reverse("helpboard:request_detail", args=[request.pk]) in post_page
    detail = client.get(reverse("helpboard:request_detail", args=[request.pk])).content.decode()
    assert "Asked from" in detail
