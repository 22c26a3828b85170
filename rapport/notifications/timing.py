"""When a person may be emailed: quiet hours and working days, in their own time zone.

Everything is computed on wall-clock times with zoneinfo, never by adding hours to a UTC
time, so a quiet night that contains a daylight-saving change still ends at the wall-clock
time the person chose. A wall-clock time that does not exist on a given day (the hour the
clocks skip in spring) is read as the first instant after the skip.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: More than enough steps to cross a week of days off and quiet nights.
MAX_STEPS = 64


def is_quiet(moment: time, start: time | None, end: time | None) -> bool:
    """Whether a local time of day is inside quiet hours [start, end), which may wrap midnight."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def is_deliverable(
    local: datetime, *, quiet_start: time | None, quiet_end: time | None, working_days: str | None
) -> bool:
    if working_days is not None and str(local.isoweekday()) not in working_days:
        return False
    return not is_quiet(local.time().replace(tzinfo=None), quiet_start, quiet_end)


def earliest_instant_at(wall: datetime, tz: ZoneInfo) -> datetime:
    """The first instant (UTC) at which the clocks in `tz` show `wall` or later.

    For an ambiguous wall time (the repeated hour in autumn) that is its first occurrence;
    for one that does not exist (the skipped hour in spring) it is the moment of the skip.
    """
    naive = wall.replace(tzinfo=None)
    first = naive.replace(tzinfo=tz, fold=0)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive:
        return first.astimezone(UTC)
    # In a gap, fold=0 reads the wall time with the offset from before the change and
    # fold=1 with the one after: the change itself lies between the two instants.
    low = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = first.astimezone(UTC)
    if low > high:
        low, high = high, low
    while high - low > timedelta(seconds=1):
        middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
        if middle.astimezone(tz).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high


def next_delivery_time(
    now: datetime,
    *,
    tz: ZoneInfo,
    quiet_start: time | None,
    quiet_end: time | None,
    working_days: str | None,
) -> datetime:
    """`now` if an email may go now, else the first instant after it when one may (UTC).

    `working_days` is a string of ISO weekday digits ("12345"), or None for every day.
    """
    if working_days is not None and not working_days:
        working_days = None
    candidate = now.astimezone(UTC)
    for _ in range(MAX_STEPS):
        local = candidate.astimezone(tz)
        if is_deliverable(
            local, quiet_start=quiet_start, quiet_end=quiet_end, working_days=working_days
        ):
            return candidate
        today = local.date()
        if working_days is not None and str(local.isoweekday()) not in working_days:
            wall = datetime.combine(today + timedelta(days=1), time(0, 0))
        else:
            assert quiet_start is not None and quiet_end is not None
            day = today if local.time().replace(tzinfo=None) < quiet_end else today + timedelta(1)
            wall = datetime.combine(day, quiet_end)
        target = earliest_instant_at(wall, tz)
        if target <= candidate:
            # Inside the repeated hour of an autumn change, after the wall time's first
            # occurrence: the next one is its second occurrence.
            target = max(
                wall.replace(tzinfo=tz, fold=1).astimezone(UTC), candidate + timedelta(seconds=1)
            )
        candidate = target
    raise ValueError("No time to deliver within a week; the rules leave no gap.")


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()
