"""Care in the demo: Tracy and her colleagues, a contract, believable history, and a
member who can find Tracy and book, move and cancel."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from rapport.care import demo, selectors, services
from rapport.care.models import Booking, Specialty, Therapist
from rapport.demo import generator
from rapport.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 16)


@pytest.fixture
def seeded():
    plan = generator.demo_plan(seed=1, today=TODAY)
    result = generator.demo_seed(plan=plan, interactions=2_000, capabilities=False)
    started = time.perf_counter()
    demo.seed(organization=result.organization, plan=plan)
    elapsed = time.perf_counter() - started
    return plan, result.organization, elapsed


def test_the_demo_has_tracy_her_colleagues_and_a_contract(seeded):
    plan, organization, elapsed = seeded
    assert elapsed < 2.0
    tracy = Therapist.objects.get(user__email=demo.THERAPIST_EMAIL)
    assert tracy.display_name == "Tracy Adeyemi-Clarke"
    assert set(tracy.specialty_codes) == {
        Specialty.TOXIC_WORKPLACE,
        Specialty.WORK_LIFE_BALANCE,
        Specialty.RETURN_TO_WORK,
        Specialty.EMPOWERMENT,
    }
    assert Therapist.objects.filter(practice=tracy.practice).count() == 4
    assert tracy.user.check_password(generator.DEMO_PASSWORD)
    assert tracy.practice.admins.get().user.email == demo.PRACTICE_ADMIN_EMAIL
    assert organization.care_contract.funded_sessions_per_year == 8
    assert Booking.objects.filter(organization=organization, status="attended").count() > 10
    # Tracy's calendar has sessions still to come, and the practice desk has a request
    # waiting: both accounts open on something to look at.
    start_of_today = timezone.make_aware(
        timezone.datetime.combine(TODAY, timezone.datetime.min.time())
    )
    upcoming = Booking.objects.filter(
        therapist=tracy, status="confirmed", starts_at__gt=start_of_today
    )
    assert upcoming.count() >= 2
    waiting = tracy.practice.intro_requests.filter(confirmed_at__isnull=False, handled_at=None)
    assert waiting.count() == 1
    # The featured member starts with a clean slate.
    member = Person.objects.get(user__email=f"member@{plan.slug}.example")
    assert not Booking.objects.filter(client=member).exists()


def test_a_demo_member_finds_tracy_and_books_moves_and_cancels(seeded):
    plan, _organization, _ = seeded
    member = Person.objects.get(user__email=f"member@{plan.slug}.example")
    found = selectors.directory(viewer=member, specialty=Specialty.TOXIC_WORKPLACE)
    assert [e.therapist.display_name for e in found] == ["Tracy Adeyemi-Clarke"]
    tracy = found[0].therapist
    session = found[0].session_type
    assert session is not None and found[0].soonest is not None
    start = timezone.now() + timedelta(days=2)
    options = selectors.slots_for(
        therapist=tracy, session_type=session, start=start, until=start + timedelta(days=14)
    )
    booking = services.booking_create(
        client=member, therapist=tracy, session_type=session, starts_at=options[0].start
    )
    booking = services.booking_reschedule(booking=booking, starts_at=options[-1].start)
    services.booking_cancel(booking=booking)
    assert selectors.allowance_for(person=member).left == 8


def test_seeding_a_second_organisation_shares_the_practice(seeded):
    _plan, _, _ = seeded
    other = generator.demo_plan(seed=2, today=TODAY, slug="second", name="Second Org")
    result = generator.demo_seed(plan=other, interactions=500, capabilities=False)
    demo.seed(organization=result.organization, plan=other)
    assert Therapist.objects.count() == 4
    assert result.organization.care_contract.practices.get().slug == demo.PRACTICE_SLUG
