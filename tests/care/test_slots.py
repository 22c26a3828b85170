"""The pure availability module: DST, exceptions, buffers, notice, horizon, daily maximum,
and properties that must hold for any input (hypothesis)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.care import slots
from rapport.care.slots import Booked, ExtraHours, Rules, TimeOff, WeeklyHours, available_slots

HOUR = timedelta(hours=1)
FIFTY = timedelta(minutes=50)


def every_day(start: time, end: time) -> list[WeeklyHours]:
    return [WeeklyHours(d, start, end) for d in range(1, 8)]


def day_slots(zone: str, day: date, start: time, end: time, **rules: object) -> list[slots.Slot]:
    tz = ZoneInfo(zone)
    now = datetime.combine(day - timedelta(days=3), time(0), tzinfo=tz)
    return available_slots(
        rules=Rules(
            time_zone=zone,
            weekly=every_day(start, end),
            min_notice=timedelta(0),
            step=timedelta(minutes=30),
            buffer_after=timedelta(0),
            **rules,  # type: ignore[arg-type]
        ),
        duration=FIFTY,
        now=now,
        start=datetime.combine(day, time(0), tzinfo=tz),
        until=datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz),
    )


DST_DAYS = [
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Europe/Berlin", date(2026, 3, 29)),
    ("Europe/Berlin", date(2026, 10, 25)),
]


@pytest.mark.parametrize(("zone", "day"), DST_DAYS)
def test_afternoon_hours_stay_the_same_local_hours_on_the_days_the_clocks_change(zone, day):
    tz = ZoneInfo(zone)
    found = day_slots(zone, day, time(13), time(18))
    local = [(s.start.astimezone(tz), s.end.astimezone(tz)) for s in found]
    assert [s.strftime("%H:%M") for s, _ in local] == [
        "13:00",
        "13:30",
        "14:00",
        "14:30",
        "15:00",
        "15:30",
        "16:00",
        "16:30",
        "17:00",
    ]
    assert all(start.date() == day and end.time() <= time(18) for start, end in local)
    # The UTC instants carry the day's new offset: 13:00 local is one instant, exactly.
    first = found[0].start
    assert first == datetime.combine(day, time(13), tzinfo=tz).astimezone(UTC)
    assert all(s.end - s.start == FIFTY for s in found)


def test_new_york_afternoon_moves_by_an_hour_in_utc_across_spring_forward():
    before = day_slots("America/New_York", date(2026, 3, 7), time(13), time(18))[0].start
    after = day_slots("America/New_York", date(2026, 3, 8), time(13), time(18))[0].start
    assert (before.hour, after.hour) == (18, 17)  # EST -5, then EDT -4


@pytest.mark.parametrize(
    ("zone", "day", "gap"),
    [("America/New_York", date(2026, 3, 8), 2), ("Europe/Berlin", date(2026, 3, 29), 2)],
)
def test_no_nonexistent_local_time_is_offered_on_spring_forward_days(zone, day, gap):
    assert day_slots(zone, day, time(gap), time(gap + 1)) == []
    tz = ZoneInfo(zone)
    around = day_slots(zone, day, time(0), time(6))
    for slot in around:
        local = slot.start.astimezone(tz)
        assert local.hour != gap, local
        # What the clock shows is what was meant: the wall time round-trips.
        naive = local.replace(tzinfo=None)
        assert naive.replace(tzinfo=tz).astimezone(UTC) == slot.start


@pytest.mark.parametrize(
    ("zone", "day", "hour"),
    [("America/New_York", date(2026, 11, 1), 1), ("Europe/Berlin", date(2026, 10, 25), 2)],
)
def test_an_ambiguous_local_time_is_offered_once_as_its_first_occurrence(zone, day, hour):
    tz = ZoneInfo(zone)
    found = day_slots(zone, day, time(hour), time(hour + 1), max_per_day=None)
    starts = [s.start for s in found]
    first = datetime.combine(day, time(hour), tzinfo=tz)  # fold=0
    assert starts[0] == first.astimezone(UTC)
    assert len(starts) == len(set(starts))
    assert all(s.astimezone(tz).fold == 0 for s in starts)


def test_time_off_extra_hours_and_whole_days_off():
    zone = "Europe/London"
    day = date(2026, 6, 10)
    off_afternoon = day_slots(
        zone, day, time(9), time(17), time_off=[TimeOff(day, time(12), time(17))]
    )
    assert max(s.end for s in off_afternoon) <= datetime(2026, 6, 10, 11, 0, tzinfo=UTC)
    assert day_slots(zone, day, time(9), time(17), time_off=[TimeOff(day)]) == []
    extra = day_slots(zone, day, time(9), time(10), extra=[ExtraHours(day, time(19), time(20))])
    assert [s.start.astimezone(ZoneInfo(zone)).hour for s in extra] == [9, 19]


def test_buffers_keep_room_around_existing_bookings():
    zone = "UTC"
    day = date(2026, 6, 10)
    start = datetime(2026, 6, 10, 12, tzinfo=UTC)
    booked = [Booked(start, start - timedelta(minutes=15), start + FIFTY + timedelta(minutes=15))]
    found = available_slots(
        rules=Rules(
            time_zone=zone,
            weekly=every_day(time(9), time(17)),
            min_notice=timedelta(0),
            buffer_before=timedelta(minutes=15),
            buffer_after=timedelta(minutes=15),
            step=timedelta(minutes=30),
        ),
        duration=FIFTY,
        now=datetime(2026, 6, 1, tzinfo=UTC),
        booked=booked,
        start=datetime(2026, 6, 10, tzinfo=UTC),
        until=datetime(2026, 6, 11, tzinfo=UTC),
    )
    hours = [s.start.strftime("%H:%M") for s in found]
    # 11:00+50+15 = 12:05 > 11:45 blocked start; 13:30-15 = 13:15 >= 13:05: free again.
    assert "11:00" not in hours and "12:00" not in hours and "12:30" not in hours
    assert "10:30" in hours and "13:30" in hours
    assert day  # (the day the test is about)


def test_minimum_notice_horizon_and_daily_maximum():
    now = datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    rules = Rules(
        time_zone="UTC",
        weekly=every_day(time(9), time(17)),
        min_notice=timedelta(hours=3),
        horizon=timedelta(days=2),
        step=HOUR,
        max_per_day=2,
    )
    found = available_slots(rules=rules, duration=FIFTY, now=now)
    assert found[0].start == datetime(2026, 6, 10, 12, tzinfo=UTC)
    assert found[-1].start < now + timedelta(days=2)
    busy_day = datetime(2026, 6, 11, 9, tzinfo=UTC)
    booked = [
        Booked(busy_day, busy_day, busy_day + FIFTY),
        Booked(busy_day + 2 * HOUR, busy_day + 2 * HOUR, busy_day + 2 * HOUR + FIFTY),
    ]
    found = available_slots(rules=rules, duration=FIFTY, now=now, booked=booked)
    assert not [s for s in found if s.start.date() == date(2026, 6, 11)]


def test_first_available_finds_the_soonest_week_with_room():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    rules = Rules(
        time_zone="UTC",
        weekly=[],
        extra=[ExtraHours(date(2026, 6, 20), time(10), time(11))],
        min_notice=timedelta(0),
    )
    soonest = slots.first_available(rules=rules, duration=FIFTY, now=now)
    assert soonest is not None and soonest.start == datetime(2026, 6, 20, 10, tzinfo=UTC)
    assert slots.first_available(rules=Rules(time_zone="UTC"), duration=FIFTY, now=now) is None


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        available_slots(rules=Rules(time_zone="UTC"), duration=FIFTY, now=datetime(2026, 1, 1))  # noqa: DTZ001


# --- properties ----------------------------------------------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
minutes = st.integers(min_value=0, max_value=23 * 60 + 30)


@st.composite
def weekly_hours(draw: st.DrawFn) -> list[WeeklyHours]:
    result = []
    for weekday in draw(st.sets(st.integers(1, 7), min_size=1)):
        a, b = sorted(draw(st.lists(minutes, min_size=2, max_size=2, unique=True)))
        result.append(WeeklyHours(weekday, time(a // 60, a % 60), time(b // 60, b % 60)))
    return result


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    zone = draw(st.sampled_from(ZONES))
    # Around the 2026 clock changes, and ordinary days.
    base = draw(
        st.sampled_from(
            [
                datetime(2026, 3, 5, tzinfo=UTC),
                datetime(2026, 10, 22, tzinfo=UTC),
                datetime(2026, 6, 1, tzinfo=UTC),
                datetime(2026, 3, 26, tzinfo=UTC),
            ]
        )
    )
    now = base + timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
    before = timedelta(minutes=draw(st.sampled_from([0, 5, 10, 15, 30])))
    after = timedelta(minutes=draw(st.sampled_from([0, 5, 10, 15, 30])))
    bookings = []
    for offset, length in draw(
        st.lists(st.tuples(st.integers(0, 14 * 24 * 4), st.integers(1, 8)), max_size=12)
    ):
        start = base + timedelta(minutes=15 * offset)
        end = start + timedelta(minutes=15 * length)
        bookings.append(Booked(start, start - before, end + after))
    rules = Rules(
        time_zone=zone,
        weekly=draw(weekly_hours()),
        time_off=[TimeOff((base + timedelta(days=draw(st.integers(0, 10)))).date())]
        if draw(st.booleans())
        else [],
        buffer_before=before,
        buffer_after=after,
        min_notice=timedelta(hours=draw(st.integers(0, 48))),
        horizon=timedelta(days=draw(st.integers(1, 14))),
        max_per_day=draw(st.one_of(st.none(), st.integers(1, 4))),
        step=timedelta(minutes=draw(st.sampled_from([15, 20, 30, 45, 60]))),
    )
    duration = timedelta(minutes=draw(st.sampled_from([15, 30, 50, 90])))
    return {"rules": rules, "now": now, "booked": bookings, "duration": duration}


def _within_hours(slot: slots.Slot, rules: Rules) -> bool:
    tz = ZoneInfo(rules.time_zone)
    local = slot.start.astimezone(tz)
    day = local.date()
    for hours in rules.weekly:
        if hours.weekday != day.isoweekday():
            continue
        # Wall-clock start and end inside the window, on the same local day.
        end_local = slot.end.astimezone(tz)
        if (
            hours.start <= local.time()
            and end_local.date() == day
            and end_local.replace(tzinfo=None) <= datetime.combine(day, hours.end)
        ):
            return True
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_properties_of_every_offered_slot(scenario):
    rules: Rules = scenario["rules"]  # type: ignore[assignment]
    now: datetime = scenario["now"]  # type: ignore[assignment]
    booked: list[Booked] = scenario["booked"]  # type: ignore[assignment]
    duration: timedelta = scenario["duration"]  # type: ignore[assignment]
    found = available_slots(rules=rules, duration=duration, now=now, booked=booked)
    tz = ZoneInfo(rules.time_zone)
    assert found == sorted(found)
    assert len({s.start for s in found}) == len(found)
    per_day: dict[date, int] = {}
    for b in booked:
        day = b.start.astimezone(tz).date()
        per_day[day] = per_day.get(day, 0) + 1
    days_off = {off.day for off in rules.time_off}
    for slot in found:
        local = slot.start.astimezone(tz)
        assert slot.end - slot.start == duration
        # notice and horizon
        assert slot.start >= now + rules.min_notice
        assert slot.start < now + rules.horizon
        # never a nonexistent wall-clock time; ambiguous ones are the first occurrence
        naive = local.replace(tzinfo=None)
        assert naive.replace(tzinfo=tz, fold=0).astimezone(UTC) == slot.start
        # within the day's hours, never on a day off
        assert _within_hours(slot, rules), (slot, local)
        assert local.date() not in days_off
        # buffers: the slot's blocked range overlaps no booking's blocked range
        blocked = (slot.start - rules.buffer_before, slot.end + rules.buffer_after)
        for b in booked:
            assert not (blocked[0] < b.blocked_until and b.blocked_from < blocked[1]), (slot, b)
        # daily maximum
        if rules.max_per_day is not None:
            assert per_day.get(local.date(), 0) < rules.max_per_day


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_booking_offered_slots_one_after_another_never_overlaps(scenario):
    """Take a slot, book it, ask again: however long it goes on, bookings never overlap and
    the daily maximum holds."""
    rules: Rules = scenario["rules"]  # type: ignore[assignment]
    now: datetime = scenario["now"]  # type: ignore[assignment]
    duration: timedelta = scenario["duration"]  # type: ignore[assignment]
    booked: list[Booked] = []
    for _ in range(25):
        found = available_slots(rules=rules, duration=duration, now=now, booked=booked)
        if not found:
            break
        slot = found[len(found) // 2]
        booked.append(
            Booked(slot.start, slot.start - rules.buffer_before, slot.end + rules.buffer_after)
        )
    ranges = sorted((b.blocked_from, b.blocked_until) for b in booked)
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert end <= start
    if rules.max_per_day is not None:
        tz = ZoneInfo(rules.time_zone)
        counts: dict[date, int] = {}
        for b in booked:
            day = b.start.astimezone(tz).date()
            counts[day] = counts.get(day, 0) + 1
        assert max(counts.values(), default=0) <= rules.max_per_day
