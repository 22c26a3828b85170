"""Reminders: when they fire (daylight-saving changes included), that each is sent once,
that they follow a renegotiated date, respect quiet hours and each person's choices.

"24 hours before" is 24 real hours before the due instant (see commitments/timing.py): when
a daylight-saving change falls in between, the reminder's local clock time differs from
the due time's by the hour the clocks moved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from rapport.commitments import services
from rapport.commitments.models import CommitmentReminder
from rapport.commitments.timing import due_from_local, is_nonexistent
from rapport.notifications.models import EmailState, Notification, NotificationSettings
from tests.factories import PersonFactory

from .factories import promise

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def reminders_sent(person):
    return Notification.objects.filter(recipient=person, type="commitment_reminder")


@pytest.mark.parametrize(
    ("zone", "due_day", "day_before_clock"),
    [
        # Clocks go forward (02:00 -> 03:00) on 8 March 2026 in New York.
        (NEW_YORK, date(2026, 3, 8), time(8, 0)),  # the 24 h span crosses the change
        (NEW_YORK, date(2026, 3, 9), time(9, 0)),  # the day after: it doesn't
        # Clocks go back (02:00 -> 01:00) on 1 November 2026 in New York.
        (NEW_YORK, date(2026, 11, 1), time(10, 0)),
        (NEW_YORK, date(2026, 11, 2), time(9, 0)),
        # Berlin: forward on 29 March 2026 (02:00 -> 03:00), back on 25 October (03:00 -> 02:00).
        (BERLIN, date(2026, 3, 29), time(8, 0)),
        (BERLIN, date(2026, 3, 30), time(9, 0)),
        (BERLIN, date(2026, 10, 25), time(10, 0)),
        (BERLIN, date(2026, 10, 26), time(9, 0)),
    ],
)
def test_reminders_fire_at_the_right_instants_around_daylight_saving_changes(
    org, colleague, zone, due_day, day_before_clock
):
    promiser = PersonFactory(organization=org, time_zone=zone.key, display_name="Pat Promiser")
    NotificationSettings.objects.create(
        person=promiser, quiet_hours_start=None, quiet_hours_end=None
    )
    due_at = due_from_local(due_day, time(9, 0), zone)
    made = due_at - timedelta(days=5)
    c = promise(promiser, colleague, due_at=due_at, now=made)

    fire = dict(
        CommitmentReminder.objects.filter(commitment=c).values_list("offset_minutes", "fire_at")
    )
    assert fire == {
        1440: due_at - timedelta(hours=24),
        120: due_at - timedelta(hours=2),
        0: due_at,
    }
    before = fire[1440].astimezone(zone)
    assert before.date() == due_day - timedelta(days=1)
    assert before.time() == day_before_clock
    assert fire[120].astimezone(zone).time() == time(7, 0)

    # The task sends each one at its instant, not a second earlier, and only once.
    for offset in (1440, 120, 0):
        moment = fire[offset]
        sent_before = reminders_sent(promiser).count()
        services.commitment_reminders_send(now=moment - timedelta(seconds=1))
        assert reminders_sent(promiser).count() == sent_before
        services.commitment_reminders_send(now=moment)
        services.commitment_reminders_send(now=moment + timedelta(minutes=5))
        assert reminders_sent(promiser).count() == sent_before + 1
    titles = list(reminders_sent(promiser).order_by("created_at").values_list("title", flat=True))
    assert [t.split(":")[0] for t in titles] == ["Due in 24 hours", "Due in 2 hours", "Due now"]


def test_a_two_hour_reminder_across_the_skipped_hour_is_two_real_hours(org, colleague):
    promiser = PersonFactory(organization=org, time_zone="America/New_York")
    due_at = due_from_local(date(2026, 3, 8), time(3, 30), NEW_YORK)  # 07:30 UTC
    c = promise(promiser, colleague, due_at=due_at, now=due_at - timedelta(days=3))
    two_hours = c.reminders.get(offset_minutes=120).fire_at
    assert two_hours == datetime(2026, 3, 8, 5, 30, tzinfo=UTC)
    assert two_hours.astimezone(NEW_YORK).time() == time(0, 30)  # three clock hours earlier


def test_a_local_time_that_does_not_exist_is_refused_with_a_clear_message():
    # Wall-clock times, deliberately without a zone: the question is whether they exist.
    assert is_nonexistent(datetime(2026, 3, 8, 2, 30), NEW_YORK)  # noqa: DTZ001
    assert is_nonexistent(datetime(2026, 3, 29, 2, 30), BERLIN)  # noqa: DTZ001
    assert not is_nonexistent(datetime(2026, 3, 8, 3, 30), NEW_YORK)  # noqa: DTZ001
    with pytest.raises(ValidationError) as caught:
        due_from_local(date(2026, 3, 8), time(2, 30), NEW_YORK)
    message = caught.value.message_dict["due_at"][0]
    assert "02:30 doesn't exist on 8 March 2026 in America/New_York" in message
    assert "clocks skip that hour" in message


def test_a_repeated_local_time_means_its_first_occurrence():
    # 01:30 happens twice on 1 November 2026 in New York: first in EDT (UTC-4).
    assert due_from_local(date(2026, 11, 1), time(1, 30), NEW_YORK) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )
    assert due_from_local(date(2026, 10, 25), time(2, 30), BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_a_reminder_is_never_sent_twice_even_if_its_claim_is_lost(member, colleague):
    due_at = datetime(2026, 5, 12, 15, 0, tzinfo=UTC)
    c = promise(member, colleague, due_at=due_at, now=due_at - timedelta(days=2))
    moment = due_at - timedelta(hours=24)
    assert services.commitment_reminders_send(now=moment) == 1
    # A worker that crashed after notifying but before its claim was kept: run again.
    c.reminders.update(sent_at=None, skipped=False)
    services.commitment_reminders_send(now=moment)
    assert reminders_sent(member).count() == 1


def test_reminders_follow_a_renegotiated_date(member, colleague):
    now = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)
    first_due = now + timedelta(days=2)
    c = promise(member, colleague, due_at=first_due, now=now)
    services.commitment_reminders_send(now=first_due - timedelta(hours=24))  # sent: 24 h
    assert reminders_sent(member).count() == 1
    renegotiated_at = first_due - timedelta(hours=20)
    new_due = first_due + timedelta(days=2)
    services.commitment_renegotiate(
        commitment=c, person=member, due_at=new_due, message="Data is late", now=renegotiated_at
    )
    assert set(c.reminders.filter(sent_at__isnull=True).values_list("due_at", flat=True)) == {
        new_due
    }
    # The old 2-hour and at-due reminders never come.
    services.commitment_reminders_send(now=first_due + timedelta(minutes=1))
    assert reminders_sent(member).count() == 1
    services.commitment_reminders_send(now=new_due - timedelta(hours=24))
    assert reminders_sent(member).count() == 2
    assert "Due in 24 hours" in reminders_sent(member).latest("created_at", "id").title


def test_going_back_to_a_date_does_not_repeat_its_reminders(member, colleague):
    now = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)
    due = now + timedelta(days=2)
    c = promise(member, colleague, due_at=due, now=now)
    services.commitment_reminders_send(now=due - timedelta(hours=24))
    later = due - timedelta(hours=23)
    services.commitment_renegotiate(
        commitment=c, person=member, due_at=due + timedelta(days=1), message="a", now=later
    )
    services.commitment_renegotiate(
        commitment=c, person=member, due_at=due, message="b", now=later + timedelta(hours=1)
    )
    services.commitment_reminders_send(now=due - timedelta(hours=3))
    assert reminders_sent(member).count() == 1


def test_a_reminder_that_came_too_late_is_skipped(member, colleague):
    due = datetime(2026, 5, 12, 15, 0, tzinfo=UTC)
    c = promise(member, colleague, due_at=due, now=due - timedelta(days=2))
    # The worker was down until after the due time: the "before" reminders are pointless.
    services.commitment_reminders_send(now=due + timedelta(minutes=1))
    assert list(reminders_sent(member).values_list("title", flat=True)) == [
        "Due now: send you the review notes"
    ]
    assert c.reminders.filter(skipped=True).count() == 2


def test_no_reminder_for_a_promise_already_delivered(member, colleague):
    due = datetime(2026, 5, 12, 15, 0, tzinfo=UTC)
    c = promise(member, colleague, due_at=due, now=due - timedelta(days=2))
    services.commitment_deliver(commitment=c, person=member, now=due - timedelta(days=1, hours=1))
    services.commitment_reminders_send(now=due)
    assert not reminders_sent(member).exists()


def test_reminder_emails_wait_for_the_end_of_quiet_hours(org, colleague):
    promiser = PersonFactory(organization=org, time_zone="Europe/Berlin")
    NotificationSettings.objects.create(
        person=promiser, quiet_hours_start=time(20, 0), quiet_hours_end=time(8, 0)
    )
    services.commitment_settings_update(person=promiser, reminder_minutes=[120], share_record=False)
    # Due Wednesday 13 May 2026 at 01:00 Berlin time (23:00 UTC on Tuesday 12 May).
    due = due_from_local(date(2026, 5, 13), time(1, 0), BERLIN)
    promise(promiser, colleague, due_at=due, now=due - timedelta(days=3))
    services.commitment_reminders_send(now=due - timedelta(hours=2))  # 23:00 local
    sent = reminders_sent(promiser).get()
    assert sent.in_app and sent.email_state == EmailState.PENDING
    assert sent.email_due_at == due_from_local(date(2026, 5, 13), time(8, 0), BERLIN)


def test_each_person_chooses_their_reminders_and_open_promises_follow(member, colleague):
    c = promise(member, colleague)
    services.commitment_settings_update(
        person=member, reminder_minutes=[60, 30], share_record=False
    )
    assert sorted(c.reminders.values_list("offset_minutes", flat=True)) == [0, 30, 60]
    other = promise(member, colleague)
    assert sorted(other.reminders.values_list("offset_minutes", flat=True)) == [0, 30, 60]


@pytest.mark.parametrize("minutes", [[0], [-5], [15 * 24 * 60], [1, 2, 3, 4, 5, 6]])
def test_reminder_choices_out_of_range_are_refused(member, minutes):
    with pytest.raises(ValidationError):
        services.commitment_settings_update(
            person=member, reminder_minutes=minutes, share_record=False
        )


def test_finding_due_reminders_is_one_query_however_many_are_planned(
    member, colleague, django_assert_num_queries
):
    due = datetime(2026, 5, 12, 15, 0, tzinfo=UTC)
    for days in range(1, 30):
        promise(member, colleague, due_at=due + timedelta(days=days), now=due - timedelta(days=2))
    with django_assert_num_queries(1):
        assert services.commitment_reminders_send(now=due - timedelta(days=1)) == 0
