"""Traded thanks: the precise rule (trading.py), and the flag and notice it leads to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.kudos import services, trading
from rapport.kudos.models import TradingFlag
from rapport.kudos.trading import Thanks
from rapport.ledger.kinds import Kind
from rapport.notifications.models import Notification
from tests.factories import InteractionFactory, PersonFactory

T0 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)


def hours(h: float) -> datetime:
    return T0 + timedelta(hours=h)


# --- the rule itself -----------------------------------------------------------------------


def test_three_quick_back_and_forths_are_three_exchanges():
    thanks = [Thanks(hours(d * 24), True) for d in range(3)] + [
        Thanks(hours(d * 24 + 2), False) for d in range(3)
    ]
    found = trading.exchanges(thanks)
    assert len(found) == 3
    assert trading.is_trading(found, other_interactions=0)


def test_an_answer_after_more_than_six_hours_is_no_exchange():
    thanks = [Thanks(hours(0), True), Thanks(hours(6.01), False)]
    assert trading.exchanges(thanks) == []
    assert len(trading.exchanges([Thanks(hours(0), True), Thanks(hours(6), False)])) == 1


def test_each_thanks_is_answered_once():
    # A→B twice, then B→A once: one exchange, not two.
    thanks = [Thanks(hours(0), True), Thanks(hours(1), True), Thanks(hours(2), False)]
    assert len(trading.exchanges(thanks)) == 1


def test_one_way_thanks_are_never_trading():
    assert trading.exchanges([Thanks(hours(h), True) for h in range(20)]) == []


def test_anything_else_between_them_means_no_trading():
    thanks = [Thanks(hours(d * 24 + s), s == 0) for d in range(4) for s in (0, 1)]
    found = trading.exchanges(thanks)
    assert len(found) == 4
    assert not trading.is_trading(found, other_interactions=1)
    assert not trading.is_trading(found[:2], other_interactions=0)


@given(st.lists(st.tuples(st.integers(min_value=0, max_value=24 * 14), st.booleans()), max_size=40))
def test_exchanges_never_use_a_thanks_twice_and_always_go_both_ways(raw):
    thanks = [Thanks(hours(h), forward) for h, forward in raw]
    found = trading.exchanges(thanks)
    assert 2 * len(found) <= len(thanks)
    forward = sum(1 for t in thanks if t.forward)
    assert len(found) <= min(forward, len(thanks) - forward)
    for exchange in found:
        assert timedelta(0) <= exchange.answer - exchange.first <= trading.EXCHANGE_WITHIN


# --- flags and notices ---------------------------------------------------------------------


@pytest.fixture
def pair(org):
    a = PersonFactory(organization=org, display_name="Ana Trade", user__password=None)
    b = PersonFactory(organization=org, display_name="Ben Trade", user__password=None)
    return a, b


def back_and_forth(a, b, *, times: int, gap_hours: float = 1, start: datetime = T0) -> None:
    for day in range(times):
        when = start + timedelta(days=day)
        services.kudos_give(giver=a, receivers=[b], message="Thanks!", now=when)
        services.kudos_give(
            giver=b, receivers=[a], message="Thank YOU!", now=when + timedelta(hours=gap_hours)
        )


@pytest.mark.django_db
def test_a_pair_trading_thanks_is_flagged_and_the_admins_told_once_a_week(pair, admin):
    a, b = pair
    back_and_forth(a, b, times=3)
    now = T0 + timedelta(days=3)
    flag = services.trading_pair_check(organization=a.organization, a=b, b=a, now=now)
    assert flag is not None
    assert (flag.person_a_id, flag.person_b_id) == tuple(sorted((a.pk, b.pk)))
    assert flag.exchanges == 3
    review = Notification.objects.filter(type="kudos_review")
    (notice,) = list(review.all())
    assert notice.recipient_id == admin.pk
    assert "Ana" not in notice.title + notice.body  # the page says who, not the inbox
    # Checking again the same week changes nothing and tells nobody again.
    services.trading_pair_check(organization=a.organization, a=a, b=b, now=now)
    assert TradingFlag.objects.count() == 1
    assert review.count() == 1
    # The next ISO week, still open: the admins hear about it once more.
    services.trading_pair_check(organization=a.organization, a=a, b=b, now=now + timedelta(days=7))
    assert review.count() == 2
    assert TradingFlag.objects.count() == 1


@pytest.mark.django_db
def test_the_admins_hear_again_in_a_later_week_while_trading_goes_on(pair, admin):
    a, b = pair
    back_and_forth(a, b, times=3)
    services.trading_pair_check(organization=a.organization, a=a, b=b, now=T0 + timedelta(3))
    back_and_forth(a, b, times=1, start=T0 + timedelta(days=8))
    services.trading_pair_check(organization=a.organization, a=a, b=b, now=T0 + timedelta(9))
    assert Notification.objects.filter(type="kudos_review").count() == 2
    assert TradingFlag.objects.get().exchanges == 4


@pytest.mark.django_db
def test_kudos_give_checks_the_pair_after_it_commits(
    pair, admin, django_capture_on_commit_callbacks
):
    a, b = pair
    with django_capture_on_commit_callbacks(execute=True):
        back_and_forth(a, b, times=3, start=datetime.now(UTC) - timedelta(days=3, hours=2))
    assert TradingFlag.objects.count() == 1


@pytest.mark.django_db
def test_two_exchanges_are_not_enough(pair, admin):
    a, b = pair
    back_and_forth(a, b, times=2)
    assert (
        services.trading_pair_check(organization=a.organization, a=a, b=b, now=T0 + timedelta(3))
        is None
    )
    assert not TradingFlag.objects.exists()
    assert not Notification.objects.filter(type="kudos_review").exists()


@pytest.mark.django_db
def test_slow_answers_are_not_trading(pair, admin):
    a, b = pair
    back_and_forth(a, b, times=5, gap_hours=7)
    assert (
        services.trading_pair_check(organization=a.organization, a=a, b=b, now=T0 + timedelta(6))
        is None
    )


@pytest.mark.django_db
def test_people_who_really_work_together_are_not_flagged(pair, admin):
    a, b = pair
    back_and_forth(a, b, times=4)
    InteractionFactory(actor=b, other=a, kind=Kind.HELPED, occurred_at=T0 + timedelta(days=1))
    assert (
        services.trading_pair_check(organization=a.organization, a=a, b=b, now=T0 + timedelta(5))
        is None
    )


@pytest.mark.django_db
def test_exchanges_older_than_the_window_do_not_count(pair, admin):
    a, b = pair
    back_and_forth(a, b, times=3)
    assert (
        services.trading_pair_check(
            organization=a.organization, a=a, b=b, now=T0 + timedelta(days=16)
        )
        is None
    )


@pytest.mark.django_db
def test_a_reviewed_pair_comes_back_only_if_trading_goes_on(pair, admin):
    a, b = pair
    now = datetime.now(UTC)
    back_and_forth(a, b, times=3, start=now - timedelta(days=10))
    flag = services.trading_pair_check(organization=a.organization, a=a, b=b, now=now)
    assert flag is not None
    services.trading_flag_resolve(actor=admin, flag=flag)
    assert flag.reviewed_by == admin
    # Checked again with nothing new: it stays looked at.
    services.trading_pair_check(organization=a.organization, a=a, b=b, now=now)
    assert TradingFlag.objects.open().count() == 0
    # The trading goes on after the admin looked: it needs another look.
    back_and_forth(a, b, times=1, start=now + timedelta(hours=1))
    services.trading_pair_check(organization=a.organization, a=a, b=b, now=now + timedelta(hours=3))
    reopened = TradingFlag.objects.get()
    assert reopened.reviewed_at is None
    assert reopened.exchanges == 4


@pytest.mark.django_db
def test_the_periodic_scan_finds_pairs_the_after_commit_check_missed(pair, admin):
    a, b = pair
    now = datetime.now(UTC)
    back_and_forth(a, b, times=3, start=now - timedelta(days=4))
    c = PersonFactory(organization=a.organization, user__password=None)
    services.kudos_give(giver=c, receivers=[a], message="One way only")
    assert services.trading_scan(organization=a.organization) == 1
    assert TradingFlag.objects.count() == 1
    from rapport.kudos.tasks import scan_trading

    assert scan_trading.call(period_key="2025-01-01T00:00:00Z") == 1
    assert TradingFlag.objects.count() == 1


@pytest.mark.django_db
def test_trading_through_the_pages_and_the_api_is_flagged_never_blocked(
    pair, admin, django_capture_on_commit_callbacks
):
    import time_machine
    from django.test import Client
    from django.urls import reverse

    from rapport.kudos.models import Kudos
    from tests.api import bearer, send
    from tests.conftest import client_for

    a, b = pair
    browser, api = client_for(a), Client(headers=bearer(b))
    for day in range(4):
        morning = datetime(2026, 6, 1 + day, 9, 0, tzinfo=UTC)
        # (The check after each commit runs at that moment: inside the time travel.)
        at_nine = time_machine.travel(morning, tick=False)
        with at_nine, django_capture_on_commit_callbacks(execute=True):
            sent = browser.post(
                reverse("kudos:give"),
                {"receivers": [b.pk], "message": "Thanks!", "audience": "organization"},
            )
        at_ten = time_machine.travel(morning + timedelta(hours=1), tick=False)
        with at_ten, django_capture_on_commit_callbacks(execute=True):
            back = send(api, "POST", "/kudos", {"receivers": [a.pk], "message": "You too!"})
        assert sent.status_code == 302 and back.status_code == 201  # never blocked
    assert Kudos.objects.count() == 8
    assert Notification.objects.filter(type="kudos_received").count() == 8
    flag = TradingFlag.objects.get()
    assert flag.exchanges == 4 and flag.reviewed_at is None
    # The org admins see the pair, on the review page and through the API; nobody else does.
    review = client_for(admin).get(reverse("kudos:review")).content.decode()
    assert "Ana Trade ↔ Ben Trade" in review
    listed = send(Client(headers=bearer(admin)), "GET", "/kudos/review").json()
    assert [item["id"] for item in listed["items"]] == [flag.pk]
    assert client_for(a).get(reverse("kudos:review")).status_code in (403, 404)
    assert send(api, "GET", "/kudos/review").status_code == 403
