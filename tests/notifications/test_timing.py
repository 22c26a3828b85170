"""When email may go: quiet hours and working days in the person's zone, across DST."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.notifications.timing import (
    earliest_instant_at,
    is_deliverable,
    is_quiet,
    next_delivery_time,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = {"quiet_start": time(22, 0), "quiet_end": time(7, 0)}


def test_quiet_hours_may_wrap_midnight():
    assert is_quiet(time(23, 0), time(22, 0), time(7, 0))
    assert is_quiet(time(3, 0), time(22, 0), time(7, 0))
    assert not is_quiet(time(7, 0), time(22, 0), time(7, 0))
    assert is_quiet(time(13, 0), time(12, 0), time(14, 0))
    assert not is_quiet(time(14, 0), time(12, 0), time(14, 0))
    assert not is_quiet(time(3, 0), None, None)


def test_outside_quiet_hours_it_goes_now():
    now = datetime(2025, 3, 27, 11, 0, tzinfo=UTC)  # Thursday, 12:00 in Berlin
    assert next_delivery_time(now, tz=BERLIN, working_days="12345", **NIGHT) == now


def test_berlin_spring_forward_night_ends_at_seven_local_not_seven_hours_later():
    # Saturday 29 March 2025, 23:00 CET; clocks jump from 02:00 to 03:00 that night.
    now = datetime(2025, 3, 29, 22, 0, tzinfo=UTC)
    due = next_delivery_time(now, tz=BERLIN, working_days=None, **NIGHT)
    assert due == datetime(2025, 3, 30, 7, 0, tzinfo=BERLIN)
    assert due == datetime(2025, 3, 30, 5, 0, tzinfo=UTC)  # CEST is UTC+2


def test_new_york_fall_back_night_ends_at_seven_local():
    # Saturday 1 November 2025, 23:00 EDT; clocks go back from 02:00 to 01:00 that night.
    now = datetime(2025, 11, 2, 3, 0, tzinfo=UTC)
    due = next_delivery_time(now, tz=NEW_YORK, working_days=None, **NIGHT)
    assert due == datetime(2025, 11, 2, 7, 0, tzinfo=NEW_YORK)
    assert due == datetime(2025, 11, 2, 12, 0, tzinfo=UTC)  # EST is UTC-5


def test_a_quiet_end_inside_the_skipped_hour_is_the_moment_of_the_skip():
    rules = {"quiet_start": time(23, 0), "quiet_end": time(2, 30), "working_days": None}
    now = datetime(2025, 3, 29, 23, 30, tzinfo=UTC)  # 00:30 CET on the night of the change
    due = next_delivery_time(now, tz=BERLIN, **rules)
    assert due == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)  # 03:00 CEST, the first minute after
    assert earliest_instant_at(datetime(2025, 3, 30, 2, 30, tzinfo=BERLIN), BERLIN) == due


def test_in_the_repeated_hour_a_quiet_end_comes_round_a_second_time():
    rules = {"quiet_start": time(0, 30), "quiet_end": time(1, 30), "working_days": None}
    # 01:10 EST: the second pass through 01:00-02:00, after 01:30 EDT came and went.
    now = datetime(2025, 11, 2, 6, 10, tzinfo=UTC)
    due = next_delivery_time(now, tz=NEW_YORK, **rules)
    assert due == datetime(2025, 11, 2, 6, 30, tzinfo=UTC)  # 01:30 EST


def test_days_off_wait_for_the_next_working_morning():
    friday_night = datetime(2025, 3, 28, 22, 0, tzinfo=UTC)  # Friday 23:00 in Berlin
    due = next_delivery_time(friday_night, tz=BERLIN, working_days="12345", **NIGHT)
    # Monday 31 March, 07:00 CEST: across the weekend and the change to summer time.
    assert due == datetime(2025, 3, 31, 5, 0, tzinfo=UTC)


def test_a_person_who_works_weekends_only():
    wednesday = datetime(2025, 6, 11, 10, 0, tzinfo=UTC)
    due = next_delivery_time(
        wednesday, tz=NEW_YORK, working_days="67", quiet_start=None, quiet_end=None
    )
    assert due == datetime(2025, 6, 14, 0, 0, tzinfo=NEW_YORK)


ZONES = st.sampled_from(
    [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",  # half-hour DST shift
        "America/Santiago",  # DST change at midnight
        "Asia/Kolkata",
        "Pacific/Chatham",
        "UTC",
    ]
).map(ZoneInfo)
TIMES = st.times().map(lambda t: t.replace(microsecond=0))
WORKING_DAYS = st.one_of(
    st.none(),
    st.sets(st.sampled_from("1234567"), min_size=1).map(lambda days: "".join(sorted(days))),
)
MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(
    now=MOMENTS,
    tz=ZONES,
    quiet=st.one_of(st.tuples(st.none(), st.none()), st.tuples(TIMES, TIMES)),
    working_days=WORKING_DAYS,
)
def test_the_delivery_time_is_the_first_allowed_instant(now, tz, quiet, working_days):
    rules = {"quiet_start": quiet[0], "quiet_end": quiet[1], "working_days": working_days}
    due = next_delivery_time(now, tz=tz, **rules)
    assert due >= now
    assert is_deliverable(due.astimezone(tz), **rules)
    if due > now:
        # Nothing earlier would have done: the second before was still not allowed.
        assert not is_deliverable((due - timedelta(seconds=1)).astimezone(tz), **rules)
        assert due - now <= timedelta(days=8)
