"""Which appointment times a therapist can offer: a pure function, no Django.

Inputs are the therapist's rules (weekly hours in *their own* time zone, date exceptions,
buffers, minimum notice, booking horizon, a daily maximum, the grid slots start on) and
the bookings that already exist; the output is a sorted list of `Slot`s as UTC instants.
Callers show them in the viewer's time zone.

How local times become instants (DST), decided once here:

- Weekly hours are wall-clock times: "13:00-18:00" is 13:00-18:00 local on every day,
  including the days the clocks change (so the UTC times of those slots move by an hour).
- A candidate start is a wall-clock time on the grid (window start + k x step). A wall-clock
  time that does not exist that day (e.g. 02:30 on a spring-forward day in New York) is
  never offered.
- An ambiguous wall-clock time (e.g. 01:30 on a fall-back day, which happens twice) is
  resolved to ONE instant: the first occurrence, `fold=0`. The second occurrence is not
  offered as a separate start.
- A window's bounds are resolved conservatively: an ambiguous bound takes its first
  occurrence; a window that starts inside a gap starts after the gap; a window that ends
  inside a gap ends before it. A session must fit between the two instants, measured in
  real elapsed time.

Buffers: a booking blocks [start - buffer_before, end + buffer_after) and so does a
candidate; two blocked ranges may not overlap. (This is exactly what the database's
exclusion constraint enforces on PostgreSQL.) Buffers may reach outside working hours;
the session itself may not. Time off blocks the session itself, without buffers.

Everything inside is integer seconds since the Unix epoch: the benchmark asks for 50
therapists over 60 days well under 100 ms, and datetimes with zoneinfo are slow.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
DAY = 86_400


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Working hours on one ISO weekday (Monday=1 … Sunday=7), local wall-clock times."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class TimeOff:
    """No sessions on `day` (local); between `start` and `end` only, if both are given."""

    day: date
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True, slots=True)
class ExtraHours:
    """Hours on `day` (local) in addition to the weekly ones."""

    day: date
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Booked:
    """An existing booking: when it starts (for the daily count) and the range it blocks."""

    start: datetime
    blocked_from: datetime
    blocked_until: datetime


@dataclass(frozen=True)
class Rules:
    time_zone: str
    weekly: Sequence[WeeklyHours] = ()
    time_off: Sequence[TimeOff] = ()
    extra: Sequence[ExtraHours] = ()
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(hours=24)
    horizon: timedelta = timedelta(days=60)
    max_per_day: int | None = None
    step: timedelta = timedelta(minutes=30)


class Slot(NamedTuple):
    """A free time, as UTC instants. (A NamedTuple: a 60-day calendar makes thousands.)"""

    start: datetime
    end: datetime


@dataclass(slots=True)
class _Intervals:
    """Disjoint, sorted [start, end) intervals in epoch seconds, for overlap checks."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    @classmethod
    def merged(cls, intervals: Iterable[tuple[int, int]]) -> _Intervals:
        result = cls()
        for start, end in sorted(intervals):
            if end <= start:
                continue
            if result.ends and start <= result.ends[-1]:
                result.ends[-1] = max(result.ends[-1], end)
            else:
                result.starts.append(start)
                result.ends.append(end)
        return result

    def overlaps(self, start: int, end: int) -> bool:
        # Disjoint and sorted, so ends grow with starts: only the last interval starting
        # before `end` can reach past `start`.
        index = bisect_left(self.starts, end) - 1
        return index >= 0 and self.ends[index] > start


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("Slots work with aware datetimes only.")
    return int((moment - EPOCH).total_seconds())


def _moment(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _wall(day: date, seconds_of_day: int) -> int:
    """The wall-clock time as if it were UTC, in epoch seconds (no offset applied)."""
    return (day.toordinal() - _EPOCH_ORDINAL) * DAY + seconds_of_day


def _sod(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


class _Zone:
    """Wall-clock ↔ instant for one time zone, fast on days without a clock change."""

    def __init__(self, name: str) -> None:
        self.tz = ZoneInfo(name)
        self._steady: dict[date, int | None] = {}

    def steady_offset(self, day: date) -> int | None:
        """The day's UTC offset in seconds if it is the same all day, else None."""
        if day not in self._steady:
            start = datetime.combine(day, time(0), tzinfo=self.tz).utcoffset()
            end = datetime.combine(day + timedelta(1), time(0), tzinfo=self.tz).utcoffset()
            assert start is not None and end is not None
            self._steady[day] = int(start.total_seconds()) if start == end else None
        return self._steady[day]

    def resolve(self, day: date, seconds_of_day: int, fold: int) -> tuple[int, bool]:
        """(instant, whether that wall-clock time exists) for a local time on `day`."""
        offset = self.steady_offset(day)
        wall = _wall(day, seconds_of_day)
        if offset is not None:
            return wall - offset, True
        naive = datetime.combine(day, time(0)) + timedelta(seconds=seconds_of_day)
        aware = naive.replace(tzinfo=self.tz, fold=fold)
        instant = _seconds(aware)
        back = aware.astimezone(UTC).astimezone(self.tz).replace(tzinfo=None)
        return instant, back == naive

    def local_day(self, instant: int) -> date:
        return _moment(instant).astimezone(self.tz).date()

    def window(self, day: date, start: int, end: int) -> tuple[int, int]:
        """A window's bounds as instants, resolved conservatively (module docstring)."""
        first, exists = self.resolve(day, start, fold=0)
        # In a gap fold=0 is the later reading: the window starts after the gap.
        last, exists = self.resolve(day, end, fold=0)
        if not exists:
            last, _ = self.resolve(day, end, fold=1)  # the earlier reading: before the gap
        return first, last


def available_slots(
    *,
    rules: Rules,
    duration: timedelta,
    now: datetime,
    booked: Sequence[Booked] = (),
    start: datetime | None = None,
    until: datetime | None = None,
) -> list[Slot]:
    """Every slot of `duration` the therapist can offer between `start` and `until`
    (default: from now to the horizon), given what is already `booked`. Sorted."""
    if duration <= timedelta(0):
        raise ValueError("A session has a positive duration.")
    step = int(rules.step.total_seconds())
    if step <= 0:
        raise ValueError("The slot grid needs a positive step.")
    length = int(duration.total_seconds())
    before = int(rules.buffer_before.total_seconds())
    after = int(rules.buffer_after.total_seconds())
    now_s = _seconds(now)
    earliest = now_s + int(rules.min_notice.total_seconds())
    latest = now_s + int(rules.horizon.total_seconds())  # a slot starts before this
    if start is not None:
        earliest = max(earliest, _seconds(start))
    if until is not None:
        latest = min(latest, _seconds(until))
    if earliest >= latest:
        return []

    zone = _Zone(rules.time_zone)
    blocked = _Intervals.merged(
        (_seconds(b.blocked_from), _seconds(b.blocked_until)) for b in booked
    )
    per_day: dict[date, int] = {}
    if rules.max_per_day is not None:
        for b in booked:
            day = zone.local_day(_seconds(b.start))
            per_day[day] = per_day.get(day, 0) + 1

    weekly: dict[int, list[tuple[int, int]]] = {}
    for hours in rules.weekly:
        weekly.setdefault(hours.weekday, []).append((_sod(hours.start), _sod(hours.end)))
    extra: dict[date, list[tuple[int, int]]] = {}
    for added in rules.extra:
        extra.setdefault(added.day, []).append((_sod(added.start), _sod(added.end)))
    whole_days_off: set[date] = set()
    partial_off: list[tuple[int, int]] = []
    for off in rules.time_off:
        if off.start is None or off.end is None:
            whole_days_off.add(off.day)
        else:
            partial_off.append(zone.window(off.day, _sod(off.start), _sod(off.end)))
    time_off = _Intervals.merged(partial_off)

    check_off = bool(time_off.starts)
    check_blocked = bool(blocked.starts)
    # Local days that can hold a slot: one either side, since offsets reach ±14 hours.
    first_day = _moment(earliest).date() - timedelta(1)
    last_day = _moment(latest).date() + timedelta(1)
    slots: list[int] = []
    day = first_day
    while day <= last_day:
        windows = weekly.get(day.isoweekday(), []) + extra.get(day, [])
        if (
            windows
            and day not in whole_days_off
            and (rules.max_per_day is None or per_day.get(day, 0) < rules.max_per_day)
        ):
            starts: set[int] = set()
            offset = zone.steady_offset(day)
            # On a day without a clock change a wall-clock time is one subtraction away
            # from its instant: the fast path the benchmark depends on.
            base = None if offset is None else _wall(day, 0) - offset
            for window_start, window_end in windows:
                if base is not None:
                    first, last = base + window_start, base + window_end
                else:
                    first, last = zone.window(day, window_start, window_end)
                sod = window_start
                while sod < window_end:
                    if base is not None:
                        instant = base + sod
                    else:
                        instant, exists = zone.resolve(day, sod, fold=0)
                        if not exists:
                            sod += step
                            continue
                    sod += step
                    end = instant + length
                    if instant < first or end > last or instant < earliest or instant >= latest:
                        continue
                    if check_off and time_off.overlaps(instant, end):
                        continue
                    if check_blocked and blocked.overlaps(instant - before, end + after):
                        continue
                    starts.add(instant)
            slots.extend(starts)
        day += timedelta(1)
    slots.sort()
    # Built without Slot.__new__'s keyword handling: thousands of these per calendar.
    make, moment = tuple.__new__, datetime.fromtimestamp
    return [make(Slot, (start := moment(s, UTC), start + duration)) for s in slots]


def first_available(
    *, rules: Rules, duration: timedelta, now: datetime, booked: Sequence[Booked] = ()
) -> Slot | None:
    """The soonest slot, looking a week at a time so a busy calendar costs little."""
    horizon_end = now + rules.horizon
    cursor = now
    while cursor < horizon_end:
        week = available_slots(
            rules=rules,
            duration=duration,
            now=now,
            booked=booked,
            start=cursor,
            until=min(cursor + timedelta(days=7), horizon_end),
        )
        if week:
            return week[0]
        cursor += timedelta(days=7)
    return None


def blocked_range(
    *, start: datetime, end: datetime, buffer_before: timedelta, buffer_after: timedelta
) -> tuple[datetime, datetime]:
    """The range a booking blocks in the therapist's calendar."""
    return start - buffer_before, end + buffer_after
