"""How long Care takes to compute free slots: 50 therapists over 60 days.

    .venv/bin/python bench/care_slots.py [--runs 20]

Each therapist works weekday hours in their own time zone (London, Berlin, New York,
Kolkata, Sydney: the window spans a DST change in several of them), with an hour's lunch,
a few days off, 10-minute buffers, a daily maximum and ~40 existing bookings. One run
computes every slot of a 50-minute session for all 50 therapists over 60 days with the pure
module (`rapport.care.slots`), which is what the directory and the therapist page call.
Prints figures, then one JSON line; `within_target` is the median run at 100 ms or less.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import emit  # noqa: E402

from rapport.care.slots import Booked, Rules, TimeOff, WeeklyHours, available_slots  # noqa: E402

THERAPISTS = 50
DAYS = 60
TARGET_MS = 100.0
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 60 days across the March/April clock changes


def therapists(rng: random.Random) -> list[tuple[Rules, list[Booked]]]:
    result = []
    for i in range(THERAPISTS):
        zone = ZONES[i % len(ZONES)]
        weekly = [
            hours
            for day in range(1, 6)
            for hours in (
                WeeklyHours(day, clock(9), clock(12)),
                WeeklyHours(day, clock(13), clock(18)),
            )
        ]
        off = [TimeOff((NOW + timedelta(days=rng.randint(0, DAYS))).date()) for _ in range(3)]
        rules = Rules(
            time_zone=zone,
            weekly=weekly,
            time_off=off,
            buffer_after=timedelta(minutes=10),
            min_notice=timedelta(hours=12),
            horizon=timedelta(days=DAYS),
            max_per_day=6,
            step=timedelta(minutes=30),
        )
        booked = []
        for _ in range(40):
            start = NOW + timedelta(days=rng.randint(1, DAYS), hours=rng.randint(0, 23))
            booked.append(Booked(start, start, start + timedelta(minutes=60)))
        result.append((rules, booked))
    return result


def run(calendars: list[tuple[Rules, list[Booked]]]) -> int:
    total = 0
    for rules, booked in calendars:
        total += len(
            available_slots(rules=rules, duration=timedelta(minutes=50), now=NOW, booked=booked)
        )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    calendars = therapists(random.Random(2026))
    slots = run(calendars)  # warm-up (time zone data, caches)
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        run(calendars)
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{THERAPISTS} therapists x {DAYS} days: {slots} slots; median {median:.1f} ms, "
        f"p95 {p95:.1f} ms, min {min(times):.1f} ms (target {TARGET_MS:.0f} ms)"
    )
    emit(
        {
            "benchmark": "care_slots",
            "therapists": THERAPISTS,
            "days": DAYS,
            "slots": slots,
            "ms_median": round(median, 2),
            "ms_p95": round(p95, 2),
            "ms_min": round(min(times), 2),
            "target_ms": TARGET_MS,
            "within_target": median <= TARGET_MS,
        }
    )


if __name__ == "__main__":
    main()
