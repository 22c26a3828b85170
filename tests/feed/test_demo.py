"""The demo's wins & challenges: believable, deterministic, quick, featured accounts in it."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from rapport.demo import generator
from rapport.feed import demo
from rapport.feed.models import Mention, Post, Reaction, Reply
from rapport.ledger.models import Interaction
from rapport.notifications.models import EmailState, Notification
from rapport.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 2)


def _seeded(slug: str):
    plan = generator.demo_plan(seed=3, today=TODAY, slug=slug)
    result = generator.demo_seed(plan=plan, interactions=300, capabilities=False)
    reverse("feed:home")  # load the URLconf first: that's the first request's cost, not ours
    started = time.perf_counter()
    with transaction.atomic():  # as the demo seeds it: one transaction
        demo.seed(organization=result.organization, plan=plan)
    return plan, result.organization, time.perf_counter() - started


def _summary(organization):
    return [
        (
            p.author.display_name,
            p.kind,
            p.audience,
            p.team.name if p.team else None,
            p.body,
            p.created_at.isoformat(),
        )
        for p in Post.objects.filter(organization=organization)
        .select_related("author", "team")
        .order_by("pk")
    ]


def test_the_demo_feed_is_believable_and_quick():
    _plan, organization, seconds = _seeded("feed-demo")
    posts = Post.objects.filter(organization=organization)
    assert posts.count() == demo.TOTAL
    assert seconds < 2.0
    assert {"win", "challenge"} == set(posts.values_list("kind", flat=True))
    assert {"team", "organization"} == set(posts.values_list("audience", flat=True))
    assert Reply.objects.filter(organization=organization).count() > 100
    assert Reaction.objects.filter(organization=organization).count() > 200
    assert Mention.objects.filter(organization=organization).count() > 10
    span = max(posts.values_list("created_at", flat=True)) - min(
        posts.values_list("created_at", flat=True)
    )
    assert span.days > 90
    # Every team post's author is in the team, every mention can read the post.
    for post in posts.filter(audience="team"):
        assert post.author.memberships.filter(team=post.team).exists()
    for mention in Mention.objects.filter(organization=organization).select_related("post"):
        assert Post.objects.visible_to(mention.person).filter(pk=mention.post_id).exists()
    # A reply to someone else's post is in the ledger, with the reply as its source.
    replies_to_others = Reply.objects.filter(organization=organization).exclude(
        author=F("post__author")
    )
    assert (
        Interaction.objects.filter(
            organization=organization, kind="replied", source_id__in=replies_to_others.values("pk")
        ).count()
        == replies_to_others.count()
    )


def test_the_featured_accounts_are_part_of_it():
    plan, organization, _ = _seeded("feed-featured")
    for account in plan.accounts:
        person = Person.objects.get(organization=organization, user__email=account.email)
        assert Post.objects.filter(author=person).exists(), account.role
    member = Person.objects.get(organization=organization, user__email=plan.accounts[0].email)
    notes = Notification.objects.filter(recipient=member, type__in=["mentioned", "post_activity"])
    assert notes.exists()
    assert set(notes.values_list("email_state", flat=True)) == {EmailState.SKIPPED}


def test_the_demo_is_deterministic():
    _, first, _ = _seeded("feed-one")
    _, second, _ = _seeded("feed-two")
    assert [row[:5] for row in _summary(first)] == [row[:5] for row in _summary(second)]
