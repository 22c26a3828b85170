"""No double-booking under real concurrency: threads, each with its own database
connection, post to the API at the same moment. Runs on SQLite (IMMEDIATE transactions)
and on PostgreSQL (row locks + the exclusion constraint) alike: nothing is skipped."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from rapport.care.models import Booking
from tests.api import API, bearer
from tests.factories import PersonFactory

from .conftest import next_slot

pytestmark = pytest.mark.django_db(transaction=True)


def _race(requests: list[tuple[dict[str, str], dict[str, object]]]) -> list[int]:
    """POST every (headers, body) to /care/bookings at once; the status codes."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def post(headers: dict[str, str], body: dict[str, object]) -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post(
                f"{API}/care/bookings", body, content_type="application/json", headers=headers
            )
            with lock:
                statuses.append(response.status_code)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return statuses


def test_twenty_simultaneous_requests_for_one_slot_make_exactly_one_booking(care, org):
    slot = next_slot(care.therapist, care.session)
    people = [PersonFactory(organization=org, user__password=None) for _ in range(20)]
    body = {
        "therapist_id": care.therapist.pk,
        "session_type_id": care.session.pk,
        "start": slot.start.isoformat(),
    }
    statuses = _race([(bearer(person), body) for person in people])
    assert Counter(statuses) == {201: 1, 409: 19}
    assert Booking.objects.active().count() == 1


def test_two_overlapping_requests_with_different_starts_make_exactly_one(care, org):
    care.therapist.slot_step_minutes = 30
    care.therapist.save()
    slot = next_slot(care.therapist, care.session)
    people = [PersonFactory(organization=org, user__password=None) for _ in range(2)]
    requests = [
        (
            bearer(person),
            {
                "therapist_id": care.therapist.pk,
                "session_type_id": care.session.pk,
                "start": (slot.start + timedelta(minutes=30 * i)).isoformat(),
            },
        )
        for i, person in enumerate(people)
    ]
    statuses = _race(requests)
    assert sorted(statuses) == [201, 409]
    assert Booking.objects.active().count() == 1


def test_after_a_cancellation_the_slot_can_be_won_again(care, org):
    slot = next_slot(care.therapist, care.session)
    people = [PersonFactory(organization=org, user__password=None) for _ in range(6)]
    body = {
        "therapist_id": care.therapist.pk,
        "session_type_id": care.session.pk,
        "start": slot.start.isoformat(),
    }
    assert Counter(_race([(bearer(p), body) for p in people[:3]])) == {201: 1, 409: 2}
    Booking.objects.update(status="cancelled")
    assert Counter(_race([(bearer(p), body) for p in people[3:]])) == {201: 1, 409: 2}
    assert Booking.objects.active().count() == 1
