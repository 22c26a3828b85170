import math
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from rapport.ledger.kinds import DEFAULT_WEIGHTS, Kind
from rapport.ledger.models import Interaction
from rapport.ledger.selectors import org_ties, person_ties
from rapport.ledger.services import InteractionRow, interaction_record, interactions_bulk_record

from ..factories import InteractionFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_recording_an_interaction_uses_the_kinds_default_weight(member, lead):
    interaction = interaction_record(actor=member, other=lead, kind=Kind.HELPED)
    assert interaction.weight == DEFAULT_WEIGHTS[Kind.HELPED]
    assert interaction.organization_id == member.organization_id


def test_it_rejects_an_interaction_with_yourself(member):
    with pytest.raises(ValidationError):
        interaction_record(actor=member, other=member, kind=Kind.KUDOS)
    assert Interaction.objects.count() == 0


def test_it_rejects_an_interaction_across_organisations(member, outsider):
    with pytest.raises(ValidationError):
        interaction_record(actor=member, other=outsider, kind=Kind.KUDOS)
    assert Interaction.objects.count() == 0


def test_it_rejects_an_unknown_kind(member, lead):
    with pytest.raises(ValueError):
        interaction_record(actor=member, other=lead, kind="gossiped")


def test_recording_the_same_source_twice_records_it_once(member, lead, team):
    first = interaction_record(actor=member, other=lead, kind=Kind.KUDOS, source=team)
    second = interaction_record(actor=member, other=lead, kind=Kind.KUDOS, source=team)
    assert first.pk == second.pk
    assert Interaction.objects.count() == 1


def test_the_database_refuses_an_interaction_with_yourself(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.create(
            organization=member.organization, actor=member, other=member, kind="kudos", weight=1
        )


def test_tie_strength_halves_every_half_life(member, lead):
    now = timezone.now()
    interaction_record(
        actor=member, other=lead, kind=Kind.KUDOS, occurred_at=now - timedelta(days=30)
    )
    (tie,) = org_ties(organization=member.organization, as_of=now)
    assert tie.strength == pytest.approx(0.5 * DEFAULT_WEIGHTS[Kind.KUDOS], rel=1e-6)
    assert {tie.person_a_id, tie.person_b_id} == {member.pk, lead.pk}


def test_tie_strength_is_symmetric_and_sums_both_directions(member, lead):
    now = timezone.now()
    interaction_record(actor=member, other=lead, kind=Kind.KUDOS, occurred_at=now)
    interaction_record(actor=lead, other=member, kind=Kind.HELPED, occurred_at=now)
    (tie,) = org_ties(organization=member.organization, as_of=now)
    assert tie.strength == pytest.approx(DEFAULT_WEIGHTS[Kind.KUDOS] + DEFAULT_WEIGHTS[Kind.HELPED])
    assert tie.person_a_id == min(member.pk, lead.pk)


def test_the_organisation_half_life_setting_is_used(member, lead):
    org = member.organization
    org.tie_half_life_days = 10
    org.save()
    now = timezone.now()
    interaction_record(
        actor=member, other=lead, kind=Kind.KUDOS, occurred_at=now - timedelta(days=20)
    )
    (tie,) = org_ties(organization=org, as_of=now)
    assert tie.strength == pytest.approx(0.25, rel=1e-6)


def test_ties_as_of_a_past_date_ignore_later_interactions(member, lead):
    now = timezone.now()
    interaction_record(actor=member, other=lead, kind=Kind.KUDOS, occurred_at=now)
    assert org_ties(organization=member.organization, as_of=now - timedelta(days=1)) == []


def test_org_ties_never_include_another_organisation(member, lead, outsider):
    other_person = PersonFactory(organization=outsider.organization)
    interaction_record(actor=outsider, other=other_person, kind=Kind.MET)
    interaction_record(actor=member, other=lead, kind=Kind.MET)
    ties = org_ties(organization=member.organization)
    assert [(t.person_a_id, t.person_b_id) for t in ties] == [tuple(sorted((member.pk, lead.pk)))]


def test_org_ties_among_some_people_leave_out_ties_to_anyone_else(member, lead, admin):
    third = PersonFactory(organization=member.organization)
    interaction_record(actor=member, other=lead, kind=Kind.MET)
    interaction_record(actor=member, other=third, kind=Kind.MET)
    interaction_record(actor=admin, other=lead, kind=Kind.KUDOS)
    everyone = org_ties(organization=member.organization)
    pool = {member.pk, lead.pk, admin.pk}
    among = org_ties(organization=member.organization, among=pool)
    assert {(t.person_a_id, t.person_b_id) for t in among} == {
        (t.person_a_id, t.person_b_id)
        for t in everyone
        if t.person_a_id in pool and t.person_b_id in pool
    }
    assert len(among) == 2 and len(everyone) == 3
    assert org_ties(organization=member.organization, among=[]) == []


def test_person_ties_are_ranked_strongest_first_in_two_queries(member, django_assert_num_queries):
    org = member.organization
    people = PersonFactory.create_batch(4, organization=org)
    now = timezone.now()
    for rank, person in enumerate(people):
        for _ in range(rank + 1):
            interaction_record(actor=member, other=person, kind=Kind.KUDOS, occurred_at=now)
    member = type(member).objects.select_related("organization").get(pk=member.pk)
    with django_assert_num_queries(2):
        ties = person_ties(person=member, as_of=now)
    assert [t.person for t in ties] == list(reversed(people))
    assert [round(t.strength) for t in ties] == [4, 3, 2, 1]


def test_person_ties_query_count_does_not_grow_with_ties(member, django_assert_num_queries):
    others = PersonFactory.create_batch(30, organization=member.organization)
    for other in others:
        InteractionFactory(actor=other, other=member)
    member = type(member).objects.select_related("organization").get(pk=member.pk)
    with django_assert_num_queries(2):
        assert len(person_ties(person=member, limit=50)) == 30


def test_bulk_recording_writes_every_row(member, lead):
    now = timezone.now()
    rows = (
        InteractionRow(
            member.organization_id, member.pk, lead.pk, Kind.COLLABORATED, now - timedelta(hours=i)
        )
        for i in range(250)
    )
    assert interactions_bulk_record(rows, batch_size=100) == 250
    assert Interaction.objects.filter(organization=member.organization).count() == 250
    (tie,) = org_ties(organization=member.organization, as_of=now)
    expected = sum(0.5 ** ((i / 24) / 30) for i in range(250))
    assert tie.strength == pytest.approx(expected, rel=1e-6)


class TestTieStrengthMatchesItsDefinition(HypothesisTestCase):
    """The SQL aggregate equals the definition computed in Python, for any history."""

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.integers(0, 4),
                st.integers(0, 4),
                st.sampled_from(list(Kind)),
                st.floats(0, 400, allow_nan=False),
            ),
            max_size=30,
        )
    )
    def test_sql_and_python_agree(self, events):
        org = OrganizationFactory()
        people = PersonFactory.create_batch(5, organization=org)
        now = timezone.now()
        expected: dict[tuple[int, int], float] = {}
        for a, b, kind, age_days in events:
            if a == b:
                continue
            interaction_record(
                actor=people[a],
                other=people[b],
                kind=kind,
                occurred_at=now - timedelta(days=age_days),
            )
            key = tuple(sorted((people[a].pk, people[b].pk)))
            expected[key] = expected.get(key, 0.0) + DEFAULT_WEIGHTS[kind] * math.pow(
                0.5, age_days / 30
            )
        got = {
            (t.person_a_id, t.person_b_id): t.strength
            for t in org_ties(organization=org, as_of=now)
        }
        assert got.keys() == {k for k, v in expected.items() if v > 0}
        for key, value in expected.items():
            if value > 0:
                assert got[key] == pytest.approx(value, rel=1e-6, abs=1e-12)
