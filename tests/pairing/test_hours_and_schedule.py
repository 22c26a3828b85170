"""Working hours across time zones (DST included) and when rounds are announced."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from hypothesis import given
from hypothesis import strategies as st

from rapport.pairing.hours import Hours, availability_mask, common_intervals, suggest_times
from rapport.pairing.schedule import next_announcement, round_due_on

LONDON = Hours("Europe/London", time(9, 0), time(17, 30), "12345")
NEW_YORK = Hours("America/New_York", time(9, 0), time(17, 30), "12345")
SYDNEY = Hours("Australia/Sydney", time(9, 0), time(17, 0), "12345")


def test_london_and_new_york_overlap_less_between_the_two_dst_changes():
    # 9-13 March 2026: New York is already on EDT (8 March), London still on GMT.
    between = suggest_times([LONDON, NEW_YORK], after=datetime(2026, 3, 9, 8, 0, tzinfo=UTC))
    # 30 March onwards: both on summer time.
    after = suggest_times([LONDON, NEW_YORK], after=datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
    assert between and after
    for moment in between + after:
        for hours in (LONDON, NEW_YORK):
            local = moment.astimezone(__import__("zoneinfo").ZoneInfo(hours.time_zone))
            assert time(9, 0) <= local.time() and local.time() <= time(17, 0)
            assert local.isoweekday() <= 5
    # The shared window: 13:00-17:30 UTC in the gap week, 13:00-16:30 UTC after.
    gap = common_intervals(
        [LONDON, NEW_YORK],
        datetime(2026, 3, 10, tzinfo=UTC),
        datetime(2026, 3, 11, tzinfo=UTC),
    )
    summer = common_intervals(
        [LONDON, NEW_YORK],
        datetime(2026, 3, 31, tzinfo=UTC),
        datetime(2026, 4, 1, tzinfo=UTC),
    )
    assert [(a.hour, b.hour, b.minute) for a, b in gap] == [(13, 17, 30)]
    assert [(a.hour, b.hour, b.minute) for a, b in summer] == [(13, 16, 30)]


def test_times_are_shown_in_each_recipients_zone():
    moment = suggest_times([LONDON, NEW_YORK], after=datetime(2026, 6, 1, 8, 0, tzinfo=UTC))[0]
    import zoneinfo

    in_london = moment.astimezone(zoneinfo.ZoneInfo("Europe/London"))
    in_new_york = moment.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert in_london.hour - in_new_york.hour == 5


def test_no_shared_hours_means_no_suggestion_and_no_shared_slot():
    assert suggest_times([LONDON, SYDNEY], after=datetime(2026, 6, 1, tzinfo=UTC)) == []
    assert (
        availability_mask(LONDON, date(2026, 6, 1)) & availability_mask(SYDNEY, date(2026, 6, 1))
        == 0
    )


def test_lunch_is_suggested_at_noon():
    times = suggest_times(
        [LONDON, LONDON], after=datetime(2026, 6, 1, tzinfo=UTC), minutes=60, lunch=True
    )
    assert times and all(
        t.astimezone(__import__("zoneinfo").ZoneInfo("Europe/London")).hour == 12 for t in times
    )


def test_the_weekly_mask_counts_only_whole_worked_hours():
    mask = availability_mask(LONDON, date(2026, 6, 3))  # BST: 08:00-16:30 UTC
    assert mask.bit_count() == 5 * 8  # 08-16 UTC whole hours, Monday to Friday
    assert mask & 1 << 8 and not mask & 1 << 16


@given(
    zone=st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
)
def test_suggestions_always_fit_everyones_working_day(zone, day):
    other = Hours(zone, time(8, 0), time(18, 0), "12345")
    after = datetime.combine(day, time(6, 0), tzinfo=UTC)
    import zoneinfo

    for moment in suggest_times([LONDON, other], after=after):
        for hours in (LONDON, other):
            local = moment.astimezone(zoneinfo.ZoneInfo(hours.time_zone))
            assert str(local.isoweekday()) in hours.working_days
            assert hours.start <= local.time() < hours.end


def test_rounds_are_due_at_the_local_hour_of_the_chosen_day():
    due = dict(cadence="weekly", weekday=1, hour=9, time_zone="Europe/Berlin")
    assert round_due_on(datetime(2026, 6, 1, 6, 59, tzinfo=UTC), **due) is None
    assert round_due_on(datetime(2026, 6, 1, 7, 0, tzinfo=UTC), **due) == date(2026, 6, 1)
    assert round_due_on(datetime(2026, 6, 2, 7, 0, tzinfo=UTC), **due) is None
    # In winter 09:00 in Berlin is 08:00 UTC.
    assert round_due_on(datetime(2026, 12, 7, 7, 30, tzinfo=UTC), **due) is None
    assert round_due_on(datetime(2026, 12, 7, 8, 0, tzinfo=UTC), **due) == date(2026, 12, 7)


def test_every_two_weeks_and_monthly_cadences():
    biweekly = dict(cadence="biweekly", weekday=1, hour=9, time_zone="UTC")
    days = [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)]
    due = [round_due_on(datetime.combine(d, time(10), tzinfo=UTC), **biweekly) for d in days]
    assert (due[0] is None) != (due[1] is None) and (due[0] is None) == (due[2] is None)
    monthly = dict(cadence="monthly", weekday=1, hour=9, time_zone="UTC")
    assert round_due_on(datetime(2026, 6, 1, 10, tzinfo=UTC), **monthly) == date(2026, 6, 1)
    assert round_due_on(datetime(2026, 6, 8, 10, tzinfo=UTC), **monthly) is None
    nxt = next_announcement(datetime(2026, 6, 2, tzinfo=UTC), **monthly)
    assert nxt == datetime(2026, 7, 6, 9, tzinfo=UTC)
