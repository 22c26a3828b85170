"""Bookings per second under 20 concurrent clients, and zero double-bookings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rapport_bench \\
        .venv/bin/python bench/care_bookings.py [--clients 20] [--attempts 30]

Runs migrations on a throwaway test database (DATABASE_URL decides the engine; the
benchmark is about PostgreSQL, SQLite works too). Five therapists offer two weeks of
hourly slots; 20 threads, each with its own connection and its own members, book random
slots from the same short list as fast as they can through `booking_create`, so many
attempts collide. Counted: bookings made, "just taken" refusals, attempts per second, and
(the point) double-bookings, found afterwards with one overlap query: it must be 0.
Prints figures, then one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import emit  # noqa: E402  (bench/ is on sys.path when a script runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--attempts", type=int, default=30, help="per client")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.db import connection, connections
    from django.utils import timezone

    from rapport.accounts.models import User
    from rapport.care import selectors, services
    from rapport.care.models import Booking, WeeklyHours
    from rapport.people.models import Organization, Person

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        org = Organization.objects.create(name="Bench", slug="bench-care")
        practice = services.practice_create(name="Bench Practice", slug="bench-practice")
        services.contract_set(organization=org, practices=[practice], funded_sessions_per_year=100)
        therapists = []
        for i in range(5):
            user = User.objects.create_user(f"therapist{i}@bench.example", None)
            therapist = services.therapist_create(
                practice=practice,
                user=user,
                display_name=f"Therapist {i}",
                specialties=["burnout"],
                languages=["en"],
                time_zone="Europe/London",
            )
            therapist.min_notice_hours = 1
            therapist.slot_step_minutes = 60
            therapist.save()
            WeeklyHours.objects.bulk_create(
                WeeklyHours(therapist=therapist, weekday=d, start="08:00", end="18:00")
                for d in range(1, 8)
            )
            session = services.session_type_create(
                therapist=therapist, name="Session", duration_minutes=50
            )
            therapists.append((therapist, session))
        choices = []
        start = timezone.now() + timedelta(days=1)
        for therapist, session in therapists:
            for slot in selectors.slots_for(
                therapist=therapist,
                session_type=session,
                start=start,
                until=start + timedelta(days=14),
            ):
                choices.append((therapist, session, slot.start))
        members = [
            Person.objects.create(
                user=User.objects.create_user(f"m{i}@bench.example", None),
                organization=org,
                display_name=f"Member {i}",
            )
            for i in range(args.clients * 4)
        ]
        barrier = threading.Barrier(args.clients)
        outcome = {"booked": 0, "taken": 0, "other": 0}
        lock = threading.Lock()

        def client(number: int) -> None:
            rng = random.Random(number)
            mine = members[number * 4 : number * 4 + 4]
            barrier.wait()
            try:
                for attempt in range(args.attempts):
                    therapist, session, when = rng.choice(choices)
                    try:
                        services.booking_create(
                            client=mine[attempt % 4],
                            therapist=therapist,
                            session_type=session,
                            starts_at=when,
                        )
                        key = "booked"
                    except services.SlotTaken:
                        key = "taken"
                    except ValidationError:
                        key = "other"
                    with lock:
                        outcome[key] += 1
            finally:
                connections.close_all()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        active = list(
            Booking.objects.active().values_list("therapist_id", "blocked_from", "blocked_until")
        )
        double = 0
        by_therapist: dict[int, list[tuple[object, object]]] = {}
        for therapist_id, a, b in active:
            by_therapist.setdefault(therapist_id, []).append((a, b))
        for ranges in by_therapist.values():
            ranges.sort()
            double += sum(1 for (_, end), (nxt, _) in itertools.pairwise(ranges) if end > nxt)
        attempts = sum(outcome.values())
        vendor = connection.vendor
        print(
            f"{vendor}: {args.clients} clients, {attempts} attempts over {len(choices)} slots in "
            f"{elapsed:.2f} s: {attempts / elapsed:.1f} attempts/s, "
            f"{outcome['booked'] / elapsed:.1f} bookings/s; booked {outcome['booked']}, "
            f"just taken {outcome['taken']}, other refusals {outcome['other']}; "
            f"double-bookings {double}"
        )
        emit(
            {
                "benchmark": "care_bookings",
                "database": vendor,
                "clients": args.clients,
                "attempts": attempts,
                "booked": outcome["booked"],
                "taken": outcome["taken"],
                "other_refusals": outcome["other"],
                "seconds": round(elapsed, 3),
                "attempts_per_second": round(attempts / elapsed, 1),
                "bookings_per_second": round(outcome["booked"] / elapsed, 1),
                "double_bookings": double,
                "within_target": double == 0,
            }
        )
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
