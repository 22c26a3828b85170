"""The demo's check-ins: believable, deterministic, fast, and kind to the featured accounts."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import time_machine

from rapport.checkins import demo
from rapport.checkins.models import CheckIn, CheckOn, CheckOnReply
from rapport.checkins.selectors import support_for
from rapport.demo import generator
from rapport.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 30)  # the history spans the DST change of 29 March in Europe


def _seeded(seed: int = 1):
    plan = generator.demo_plan(seed=seed, today=TODAY, slug=f"demo-{seed}")
    result = generator.demo_seed(plan=plan, interactions=3_000, capabilities=False)
    started = time.monotonic()
    demo.seed(organization=result.organization, plan=plan)
    return plan, result.organization, time.monotonic() - started


def test_the_demo_has_months_of_check_ins_for_most_people_and_a_few_conversations():
    plan, org, seconds = _seeded()
    assert seconds < 2.0
    checkins = CheckIn.objects.filter(organization=org)
    people = set(checkins.values_list("person_id", flat=True))
    assert len(people) >= 0.6 * len(plan.people)
    days = checkins.values_list("day", flat=True)
    assert min(days) >= date(2025, 12, 30) and max(days) < TODAY
    moods = Counter(checkins.values_list("mood", flat=True))
    assert set(moods) == {1, 2, 3, 4, 5} and moods.most_common(1)[0][0] in (3, 4)
    visibilities = Counter(checkins.values_list("visibility", flat=True))
    assert set(visibilities) == {"private", "team_mood", "team_note"}
    assert sum(1 for c in checkins if c.note) > 100
    assert CheckOn.objects.filter(organization=org).count() >= 6
    assert CheckOnReply.objects.filter(check_on__organization=org).exists()
    member = Person.objects.get(user__email=f"member@{plan.slug}.example")
    assert CheckOn.objects.filter(recipient=member).exists()
    assert CheckOn.objects.filter(sender=member).exists()


def test_only_one_person_who_is_not_featured_has_a_recent_low_streak():
    plan, org, _ = _seeded()
    featured = {account.email for account in plan.accounts}
    with time_machine.travel(datetime(2026, 3, 30, 18, 0, tzinfo=UTC), tick=False):
        low = [
            p
            for p in Person.objects.in_organization(org).select_related("user", "organization")
            if support_for(person=p) is not None
        ]
    assert len(low) == 1
    assert low[0].email not in featured


def test_the_demo_is_deterministic():
    _seeded(seed=3)
    first = list(
        CheckIn.objects.order_by("person__user__email", "day").values_list(
            "person__user__email", "day", "mood", "visibility"
        )
    )
    CheckIn.objects.all().delete()
    CheckOn.objects.all().delete()
    plan = generator.demo_plan(seed=3, today=TODAY, slug="demo-3")
    from rapport.people.models import Organization

    demo.seed(organization=Organization.objects.get(slug="demo-3"), plan=plan)
    second = list(
        CheckIn.objects.order_by("person__user__email", "day").values_list(
            "person__user__email", "day", "mood", "visibility"
        )
    )
    assert first == second
