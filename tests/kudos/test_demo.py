"""The demo organisation's kudos: believable, deterministic and quick to make."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db.models import Count
from django.urls import reverse

from rapport.demo import generator
from rapport.kudos import demo, selectors
from rapport.kudos.models import (
    Audience,
    Kudos,
    KudosReaction,
    KudosReply,
    KudosSettings,
    KudosValue,
    TradingFlag,
)
from rapport.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def northwind():
    plan = generator.demo_plan()
    result = generator.demo_seed(
        plan=plan, interactions=generator.DEMO_INTERACTIONS, capabilities=False
    )
    reverse("kudos:review")  # load the URLconf first: that is the process starting, not the demo
    started = time.perf_counter()
    demo.seed(organization=result.organization, plan=plan)
    return result.organization, plan, time.perf_counter() - started


def test_the_demo_has_a_few_hundred_kudos_with_values_reactions_and_replies(northwind):
    org, plan, seconds = northwind
    assert seconds < 3  # about 1 s on a free core; CI shares two
    kudos = Kudos.objects.in_organization(org)
    assert 250 <= kudos.count() <= 400
    assert set(kudos.values_list("audience", flat=True)) == set(Audience.values)
    oldest = kudos.order_by("created_at").first().created_at.date()
    assert (plan.today - oldest).days >= 100
    assert sorted(
        KudosValue.objects.in_organization(org).active().values_list("name", flat=True)
    ) == ["Help first", "Keep it simple", "Own it", "Say it kindly"]
    assert KudosSettings.objects.get(organization=org).daily_limit == 10
    assert KudosReaction.objects.filter(kudos__organization=org).count() > 200
    assert KudosReply.objects.filter(kudos__organization=org).count() > 40
    assert kudos.filter(value__isnull=False).count() > kudos.count() / 2


def test_every_featured_account_gives_and_receives(northwind):
    _org, plan, _ = northwind
    for account in plan.accounts:
        person = Person.objects.get(user__email=account.email)
        assert Kudos.objects.filter(giver=person).count() >= 4, account.role
        assert Kudos.objects.filter(receipts__person=person).count() >= 4, account.role


def test_the_member_has_unsung_teammates_and_the_admin_a_pair_to_review(northwind):
    org, plan, _ = northwind
    member = Person.objects.get(user__email=plan.accounts[0].email)
    assert selectors.unsung_teammates(viewer=member).count() >= 2
    admin = Person.objects.get(user__email=plan.accounts[2].email)
    assert selectors.trading_flags(viewer=admin).count() == 1
    assert TradingFlag.objects.filter(organization=org).count() == 1


def test_the_demo_is_the_same_every_time():
    def snapshot(slug: str) -> list[tuple[str, int]]:
        plan = generator.demo_plan(slug=slug)
        org = generator.demo_seed(plan=plan, interactions=1_000, capabilities=False).organization
        demo.seed(organization=org, plan=plan)
        rows = (
            Kudos.objects.in_organization(org)
            .annotate(n=Count("receipts"))
            .order_by("created_at", "pk")
        )
        return [(k.message, k.n) for k in rows]

    assert snapshot("one") == snapshot("two")


def test_the_everyone_feed_opens_with_real_thanks_not_the_traded_ones(northwind):
    org, plan, _ = northwind
    flag = TradingFlag.objects.get(organization=org)
    member = Person.objects.get(user__email=plan.accounts[0].email)
    first_page = list(selectors.kudos_feed_org(viewer=member)[:20])
    traders = {flag.person_a_id, flag.person_b_id}
    assert not [k for k in first_page if k.giver_id in traders and len(k.message) < 20]
    assert all(len(k.message) > 30 for k in first_page)


def test_every_featured_account_gave_and_got_thanks_this_past_week(northwind):
    _org, plan, _ = northwind
    week_ago = plan.today - timedelta(days=8)
    for account in plan.accounts:
        person = Person.objects.get(user__email=account.email)
        given = Kudos.objects.filter(giver=person, created_at__date__gte=week_ago)
        received = Kudos.objects.filter(receipts__person=person, created_at__date__gte=week_ago)
        assert given.exists() and received.exists(), account.role
