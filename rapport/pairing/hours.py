"""Working hours across time zones: who is free when, on real dates (so DST is right).

Pure functions over plain values (a time zone name, local start and end of the working
day, ISO working days), used for the engine's availability masks and for the meeting
times suggested to a group.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

HOURS_IN_WEEK = 168
Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Hours:
    """Someone's working week: local hours on ISO weekdays in a time zone."""

    time_zone: str
    start: time
    end: time
    working_days: str  # ISO weekday digits, "12345"

    @classmethod
    def of(cls, person: object) -> Hours:
        return cls(
            time_zone=person.time_zone,  # type: ignore[attr-defined]
            start=person.work_start,  # type: ignore[attr-defined]
            end=person.work_end,  # type: ignore[attr-defined]
            working_days=person.working_days,  # type: ignore[attr-defined]
        )


def working_intervals(hours: Hours, start: datetime, end: datetime) -> list[Interval]:
    """The person's working time between two instants, as UTC intervals, in order."""
    tz = zoneinfo.ZoneInfo(hours.time_zone)
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    out: list[Interval] = []
    day = first
    while day <= last:
        if str(day.isoweekday()) in hours.working_days:
            # fold=0 and zoneinfo's handling of gaps keep this right on DST change days.
            begin = datetime.combine(day, hours.start, tzinfo=tz).astimezone(UTC)
            finish = datetime.combine(day, hours.end, tzinfo=tz).astimezone(UTC)
            begin, finish = max(begin, start), min(finish, end)
            if begin < finish:
                out.append((begin, finish))
        day += timedelta(days=1)
    return out


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        begin, finish = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if begin < finish:
            out.append((begin, finish))
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return out


def common_intervals(everyone: Iterable[Hours], start: datetime, end: datetime) -> list[Interval]:
    common: list[Interval] | None = None
    for hours in everyone:
        mine = working_intervals(hours, start, end)
        common = mine if common is None else intersect(common, mine)
    return common or []


def week_start(day: date) -> datetime:
    """Monday 00:00 UTC of the ISO week that contains `day`."""
    monday = day - timedelta(days=day.isoweekday() - 1)
    return datetime.combine(monday, time(0, 0), tzinfo=UTC)


def availability_mask(hours: Hours, week_of: date) -> int:
    """UTC hour slots of that week (bit h: hour h after Monday 00:00 UTC) fully worked."""
    start = week_start(week_of)
    mask = 0
    for begin, finish in working_intervals(hours, start, start + timedelta(days=7)):
        first = _ceil_hour(begin)
        while first + timedelta(hours=1) <= finish:
            slot = int((first - start).total_seconds() // 3600)
            if 0 <= slot < HOURS_IN_WEEK:
                mask |= 1 << slot
            first += timedelta(hours=1)
    return mask


def _ceil_hour(moment: datetime) -> datetime:
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(hours=1)


def _ceil_half_hour(moment: datetime) -> datetime:
    floor = moment.replace(minute=0 if moment.minute < 30 else 30, second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=30)


def suggest_times(
    everyone: Sequence[Hours],
    *,
    after: datetime,
    minutes: int = 30,
    count: int = 3,
    days: int = 7,
    lunch: bool = False,
) -> list[datetime]:
    """Up to `count` meeting starts (UTC) in the group's shared working time, one a day.

    Over the next `days` days after `after` (from the next day on, so people have notice),
    each day's suggestion sits mid-morning of the shared time (a lunch at 12:00 of the
    first member's clock when everyone works then); days without `minutes` in common are
    skipped.
    """
    if not everyone:
        return []
    tz0 = zoneinfo.ZoneInfo(everyone[0].time_zone)
    tomorrow = after.astimezone(tz0).date() + timedelta(days=1)
    window_start = datetime.combine(tomorrow, time(0, 0), tzinfo=tz0).astimezone(UTC)
    common = common_intervals(everyone, window_start, window_start + timedelta(days=days))
    length = timedelta(minutes=minutes)
    chosen: list[datetime] = []
    used_days: set[date] = set()
    for begin, finish in common:
        local_day = begin.astimezone(tz0).date()
        if local_day in used_days or finish - begin < length:
            continue
        if lunch:
            noon = datetime.combine(local_day, time(12, 0), tzinfo=tz0).astimezone(UTC)
            start = noon if begin <= noon and noon + length <= finish else _ceil_half_hour(begin)
        else:
            # An hour into the shared time, when people have settled, if it still fits.
            start = _ceil_half_hour(begin + timedelta(hours=1))
            if start + length > finish:
                start = _ceil_half_hour(begin)
        if start + length > finish:
            continue
        chosen.append(start)
        used_days.add(local_day)
        if len(chosen) == count:
            break
    return chosen
