"""Due times and reminder times, in people's own time zones.

Decisions, so tests and people can rely on them:

- A due time typed as a local date and clock time is read in the person's time zone. A
  clock time that does not exist that day (the hour skipped when clocks go forward, e.g.
  02:30 on 8 March 2026 in New York) is refused with a message saying so, rather than
  silently moved. A clock time that happens twice (the hour repeated when clocks go back)
  means its first occurrence, the earlier instant.
- "24 hours before" means 24 real hours before the due instant, not the same clock time
  the day before: across a daylight-saving change the reminder's local clock time differs
  by the hour the clocks moved. Reminders are computed on UTC instants, so they never fire
  twice or not at all because of a change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import formats


def is_nonexistent(naive: datetime, tz: ZoneInfo) -> bool:
    """Whether the clocks in `tz` never show `naive` (it falls in a spring-forward gap)."""
    aware = naive.replace(tzinfo=tz, fold=0)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive


def local_to_utc(naive: datetime, tz: ZoneInfo, *, field: str = "due_at") -> datetime:
    """The UTC instant of a wall-clock time in `tz`; refuses times that don't exist there."""
    naive = naive.replace(tzinfo=None, fold=0)
    if is_nonexistent(naive, tz):
        day = formats.date_format(naive.date(), "j F Y")
        clock = naive.strftime("%H:%M")
        raise ValidationError(
            {
                field: (
                    f"{clock} doesn't exist on {day} in {tz.key}: the clocks skip that hour "
                    "when they go forward. Choose a time before or after the change."
                )
            },
            code="nonexistent_time",
        )
    return naive.replace(tzinfo=tz).astimezone(UTC)


def due_from_local(day: date, at: time, tz: ZoneInfo, *, field: str = "due_at") -> datetime:
    return local_to_utc(datetime.combine(day, at), tz, field=field)


def due_from_input(value: datetime, tz: ZoneInfo, *, field: str = "due_at") -> datetime:
    """An API due time: with a UTC offset it is that instant; without one it is a local
    time in the caller's time zone (checked like a form's)."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value.astimezone(UTC)
    return local_to_utc(value, tz, field=field)


def reminder_fire_at(due_at: datetime, offset_minutes: int) -> datetime:
    """`offset_minutes` real minutes before the due instant (see the module docstring)."""
    return due_at.astimezone(UTC) - timedelta(minutes=offset_minutes)


def describe_offset(minutes: int) -> str:
    """'24 hours', '2 hours', '30 minutes', '2 days': how far ahead a reminder comes."""
    if minutes % (24 * 60) == 0 and minutes >= 48 * 60:
        return f"{minutes // (24 * 60)} days"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def format_local(moment: datetime, tz: ZoneInfo) -> str:
    """'Mon 9 March 2026, 09:00' in `tz`."""
    local = moment.astimezone(tz)
    return f"{formats.date_format(local, 'D j F Y')}, {local:%H:%M}"
