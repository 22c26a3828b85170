"""The demo's roadblocks: every state for the featured accounts, quick and deterministic."""

from __future__ import annotations

import time

import pytest

from rapport.demo import generator
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.roadblocks import demo
from rapport.roadblocks.models import Outcome, Roadblock, TalkInvitation

pytestmark = pytest.mark.django_db


def test_the_demo_shows_roadblocks_in_every_state_and_invitations_both_ways():
    plan = generator.demo_plan()
    organization = generator.demo_seed(plan=plan, interactions=100, capabilities=False).organization
    demo.seed(organization=organization, plan=plan)
    member = organization.people.get(user__email=f"member@{plan.slug}.example")
    lead = organization.people.get(user__email=f"lead@{plan.slug}.example")
    roadblocks = Roadblock.objects.in_organization(organization)
    assert {r.outcome for r in roadblocks} == {"", *Outcome.values}
    assert roadblocks.filter(author=member).count() == 3
    assert TalkInvitation.objects.filter(recipient=member, sender=lead, status="pending").exists()
    assert TalkInvitation.objects.filter(sender=member, status="proposed").exists()
    for roadblock in roadblocks.filter(outcome__in=["talked_resolved", "talked_ongoing"]):
        assert Interaction.objects.filter(
            kind=Kind.TALKED, actor=roadblock.author, other=roadblock.person, source_id=roadblock.pk
        ).exists()
    assert all(r.opener for r in roadblocks)


def test_the_demo_roadblocks_are_the_same_every_time_and_quick():
    plan = generator.demo_plan(seed=3)
    organization = generator.demo_seed(plan=plan, interactions=50, capabilities=False).organization
    started = time.perf_counter()
    demo.seed(organization=organization, plan=plan)
    assert time.perf_counter() - started < 2.0

    def state() -> list[tuple]:
        rows = Roadblock.objects.all()
        return sorted((r.author_id, r.person_id or 0, r.outcome, r.what_happened) for r in rows)

    first = state()
    Roadblock.objects.all().delete()
    demo.seed(organization=organization, plan=plan)
    assert state() == first
