"""The demo's promises: every state, believable records for the featured accounts, fast
and the same every time."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.db.models import Q

from rapport.commitments import demo, selectors
from rapport.commitments.models import Commitment, CommitmentEvent, CommitmentReminder
from rapport.commitments.states import State
from rapport.demo import generator
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    plan = generator.demo_plan()
    org = generator.demo_seed(plan=plan, interactions=2_000, capabilities=False).organization
    started = time.perf_counter()
    demo.seed(organization=org, plan=plan)
    return org, plan, time.perf_counter() - started


def test_about_a_hundred_promises_in_every_state_quickly(seeded):
    org, _plan, seconds = seeded
    commitments = Commitment.objects.in_organization(org)
    assert 95 <= commitments.count() <= 110
    states = Counter(commitments.values_list("state", flat=True))
    assert set(states) == set(State.values), states
    assert seconds < 2.0
    assert CommitmentReminder.objects.filter(sent_at__isnull=True).exists()
    renegotiated = CommitmentEvent.objects.filter(kind="renegotiated", early=True)
    assert renegotiated.exists()
    assert Interaction.objects.filter(
        kind=Kind.COMMITMENT_RENEGOTIATED, source_id__isnull=False
    ).exists()
    for c in commitments.filter(state__in=[State.DONE, State.MISSED]):
        assert c.settled_at is not None and c.outcome


def test_featured_accounts_have_a_believable_record_and_things_to_do(seeded):
    _org, plan, _ = seeded
    for account in plan.accounts:
        person = Person.objects.get(user__email=account.email)
        record = selectors.follow_through(person=person)
        assert record.total >= 8
        assert 70 <= (record.follow_through_rate or 0) < 100
        assert record.renegotiated_early >= 1
        mine = Commitment.objects.visible_to(person)
        assert mine.filter(promiser=person, state=State.OPEN).exists()
        assert mine.filter(promiser=person, state=State.ASKED).exists()
        assert mine.filter(~Q(promiser=person), state=State.DELIVERED).exists()


def test_the_demo_is_the_same_every_time(seeded):
    org, plan, _ = seeded
    first = sorted(Commitment.objects.values_list("text", "state", "outcome"))
    Commitment.objects.all().delete()
    demo.seed(organization=org, plan=plan)
    assert sorted(Commitment.objects.values_list("text", "state", "outcome")) == first


def test_the_member_finds_records_their_teammates_chose_to_share(seeded):
    _org, plan, _ = seeded
    member = Person.objects.get(user__email=plan.accounts[0].email)
    sharing = list(selectors.teammates_sharing(viewer=member))
    assert len(sharing) == 2
    for person in sharing:
        assert selectors.get_shared_record_person_for(member, person.pk) == person
