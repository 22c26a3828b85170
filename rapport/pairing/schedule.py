"""When a programme announces a round: its local weekday and hour, at its cadence.

Pure functions of a programme's settings and an instant; the periodic task asks
`round_due_on` every few minutes and the round's date makes the run idempotent.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

WEEKLY, BIWEEKLY, MONTHLY = "weekly", "biweekly", "monthly"
#: How long after the announcement people are asked "did you meet?".
FOLLOW_UP_AFTER = {
    WEEKLY: timedelta(days=5),
    BIWEEKLY: timedelta(days=10),
    MONTHLY: timedelta(days=21),
}
CADENCE_DAYS = {WEEKLY: 7, BIWEEKLY: 14, MONTHLY: 28}
ANCHOR = date(2024, 1, 1)  # a Monday: every-two-weeks programmes run in even weeks from it


def is_round_day(day: date, *, cadence: str, weekday: int) -> bool:
    if day.isoweekday() != weekday:
        return False
    if cadence == BIWEEKLY:
        return ((day - ANCHOR).days // 7) % 2 == 0
    if cadence == MONTHLY:
        return day.day <= 7  # the first such weekday of the month
    return True


def round_due_on(
    now: datetime, *, cadence: str, weekday: int, hour: int, time_zone: str
) -> date | None:
    """The local date of the round due at `now` (from the announcement hour to midnight).

    Late in the day still counts, so a worker that was down at the hour catches up the
    same day; the round's date keeps it to one round however often this is asked.
    """
    local = now.astimezone(zoneinfo.ZoneInfo(time_zone))
    if local.hour < hour or not is_round_day(local.date(), cadence=cadence, weekday=weekday):
        return None
    return local.date()


def next_announcement(
    now: datetime, *, cadence: str, weekday: int, hour: int, time_zone: str
) -> datetime:
    """The next announcement at or after `now`, as an aware UTC datetime."""
    tz = zoneinfo.ZoneInfo(time_zone)
    day = now.astimezone(tz).date()
    for _ in range(80):
        if is_round_day(day, cadence=cadence, weekday=weekday):
            moment = datetime.combine(day, time(hour, 0), tzinfo=tz).astimezone(UTC)
            if moment >= now:
                return moment
        day += timedelta(days=1)
    raise AssertionError("no round day within 80 days")  # pragma: no cover
