"""Booking, moving and cancelling, through the pages, the API and the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from rapport.care import selectors, services
from rapport.care.models import Booking
from rapport.notifications.models import Notification
from rapport.people.models import Person
from tests.api import bearer, send
from tests.factories import OrganizationFactory, PersonFactory

from ..conftest import client_for
from .conftest import next_slot

pytestmark = pytest.mark.django_db


def book(client_person, care, slot, session=None):
    return services.booking_create(
        client=client_person,
        therapist=care.therapist,
        session_type=session or care.session,
        starts_at=slot.start,
    )


def test_a_member_books_through_the_pages_and_a_funded_session_is_counted(
    care, member, member_client
):
    slot = next_slot(care.therapist, care.session)
    page = member_client.get(reverse("care:therapist", args=[care.therapist.pk]))
    assert page.status_code == 200
    confirm = member_client.get(
        reverse("care:book", args=[care.therapist.pk]),
        {"type": care.session.pk, "start": slot.start.isoformat()},
    )
    assert confirm.status_code == 200
    assert b"Confirm your appointment" in confirm.content
    response = member_client.post(
        reverse("care:book", args=[care.therapist.pk]),
        {
            "session_type": care.session.pk,
            "start": slot.start.isoformat(),
            "intake_reason": "My team lead shouts at people.",
            "intake_contact": "07700 900123",
        },
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("care:booking", args=[booking.pk])
    assert (booking.client, booking.starts_at, booking.funded) == (member, slot.start, True)
    assert booking.ends_at - booking.starts_at == timedelta(minutes=50)
    assert booking.blocked_until == booking.ends_at + timedelta(minutes=10)
    assert selectors.allowance_for(person=member).left == 7
    # The intake is encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT intake_reason FROM care_booking WHERE id = %s", [booking.pk])
        assert "shouts" not in cursor.fetchone()[0]
    assert booking.intake_reason == "My team lead shouts at people."
    detail = member_client.get(response["Location"])
    assert b"Tracy Okonkwo-Hale" in detail.content and b"shouts" in detail.content
    notification = Notification.objects.get(recipient=member)
    assert notification.type == "care"


def test_a_taken_slot_says_so_in_the_page_and_answers_409_in_the_api(care, member, org, client):
    slot = next_slot(care.therapist, care.session)
    book(member, care, slot)
    colleague = PersonFactory(organization=org)
    page = client_for(colleague).post(
        reverse("care:book", args=[care.therapist.pk]),
        {"session_type": care.session.pk, "start": slot.start.isoformat()},
    )
    assert page.status_code == 409
    assert b"This time was just taken" in page.content
    response = send(
        client,
        "POST",
        "/care/bookings",
        {
            "therapist_id": care.therapist.pk,
            "session_type_id": care.session.pk,
            "start": slot.start.isoformat(),
        },
        headers=bearer(colleague),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    assert Booking.objects.count() == 1


def test_an_overlapping_start_with_buffers_is_taken_too(care, member, org):
    care.therapist.slot_step_minutes = 30
    care.therapist.save()
    slot = next_slot(care.therapist, care.session)
    book(member, care, slot)
    colleague = PersonFactory(organization=org)
    with pytest.raises(services.SlotTaken):
        services.booking_create(
            client=colleague,
            therapist=care.therapist,
            session_type=care.session,
            starts_at=slot.start + timedelta(minutes=30),
        )
    # 50 minutes + 10 after: the hour after is free again.
    book(colleague, care, type("S", (), {"start": slot.start + timedelta(hours=1)})())
    assert Booking.objects.count() == 2


def test_cancelling_frees_the_slot_again(care, member, org):
    slot = next_slot(care.therapist, care.session)
    booking = book(member, care, slot)
    services.booking_cancel(booking=booking)
    colleague = PersonFactory(organization=org)
    again = book(colleague, care, slot)
    assert again.starts_at == slot.start
    assert selectors.allowance_for(person=member).used == 0


def test_times_that_are_not_offered_are_refused_with_a_clear_message(care, member, client):
    soon = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
    with pytest.raises(services.SlotUnavailable):
        book(member, care, type("S", (), {"start": soon})())
    slot = next_slot(care.therapist, care.session)
    response = send(
        client,
        "POST",
        "/care/bookings",
        {
            "therapist_id": care.therapist.pk,
            "session_type_id": care.session.pk,
            "start": (slot.start + timedelta(minutes=7)).isoformat(),
        },
        headers=bearer(member),
    )
    assert response.status_code == 422
    naive = send(
        client,
        "POST",
        "/care/bookings",
        {
            "therapist_id": care.therapist.pk,
            "session_type_id": care.session.pk,
            "start": slot.start.replace(tzinfo=None).isoformat(),
        },
        headers=bearer(member),
    )
    assert naive.status_code == 422
    assert Booking.objects.count() == 0


def test_the_allowance_runs_out_but_intro_calls_stay_free(care, member):
    care.practice.contracts.update(funded_sessions_per_year=2)
    start = timezone.now() + timedelta(days=2)
    found = selectors.slots_for(
        therapist=care.therapist,
        session_type=care.session,
        start=start,
        until=start + timedelta(days=10),
    )
    day_starts = sorted({s.start.date(): s for s in found}.values(), key=lambda s: s.start)
    year = day_starts[0].start.year
    same_year = [s for s in day_starts if s.start.year == year]
    book(member, care, same_year[0])
    book(member, care, same_year[1])
    with pytest.raises(ValidationError, match="used all 2 funded sessions"):
        book(member, care, same_year[2])
    intro = next_slot(care.therapist, care.intro, after=same_year[2].start)
    assert book(member, care, intro, session=care.intro).funded is False
    assert selectors.allowance_for(person=member, year=year).left == 0


def test_moving_keeps_the_uid_raises_the_sequence_and_frees_the_old_time(care, member, org):
    first, second = (
        next_slot(care.therapist, care.session),
        next_slot(care.therapist, care.session, after=timezone.now() + timedelta(days=4)),
    )
    booking = book(member, care, first)
    uid = booking.uid
    moved = services.booking_reschedule(booking=booking, starts_at=second.start)
    assert (moved.uid, moved.sequence, moved.starts_at) == (uid, 1, second.start)
    book(PersonFactory(organization=org), care, first)


def test_nothing_changes_inside_the_cut_off(care, member):
    slot = next_slot(care.therapist, care.session)
    booking = book(member, care, slot)
    with time_machine.travel(slot.start - timedelta(hours=5)):
        with pytest.raises(ValidationError, match="24 hours"):
            services.booking_cancel(booking=booking)
        with pytest.raises(ValidationError, match="24 hours"):
            services.booking_reschedule(booking=booking, starts_at=slot.start + timedelta(days=1))
        # The therapist can still cancel.
        services.session_cancel(therapist=care.therapist, booking=booking)
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == ("cancelled", "therapist")


def test_the_api_books_moves_cancels_and_serves_the_invite(care, member, client):
    headers = bearer(member)
    listing = send(client, "GET", "/care/therapists?specialty=burnout", headers=headers)
    assert listing.status_code == 200
    [item] = listing.json()["items"]
    assert item["therapist"]["display_name"] == "Tracy Okonkwo-Hale"
    slots = send(
        client,
        "GET",
        f"/care/therapists/{care.therapist.pk}/slots?session_type={care.session.pk}"
        f"&start={(timezone.now() + timedelta(days=2)).date()}",
        headers=headers,
    ).json()["slots"]
    created = send(
        client,
        "POST",
        "/care/bookings",
        {
            "therapist_id": care.therapist.pk,
            "session_type_id": care.session.pk,
            "start": slots[0]["start"],
            "intake_reason": "Tired",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    assert created.json()["can_change"] is True
    moved = send(
        client,
        "POST",
        f"/care/bookings/{booking_id}/reschedule",
        {"start": slots[3]["start"]},
        headers=headers,
    )
    assert moved.status_code == 200 and moved.json()["starts_at"] != created.json()["starts_at"]
    ics = client.get(f"/api/v1/care/bookings/{booking_id}/invite.ics", headers=headers)
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"SEQUENCE:1" in ics.content
    cancelled = send(client, "POST", f"/care/bookings/{booking_id}/cancel", headers=headers)
    assert cancelled.json()["status"] == "cancelled"
    allowance = send(client, "GET", "/care/allowance", headers=headers).json()
    assert allowance["left"] == 8
    listed = send(client, "GET", "/care/bookings", headers=headers).json()
    assert listed["count"] == 1


def test_a_member_of_an_organisation_without_a_contract_cannot_see_or_book(care, client):
    stranger = PersonFactory(organization=OrganizationFactory())
    headers = bearer(stranger)
    assert send(client, "GET", "/care/therapists", headers=headers).json()["count"] == 0
    assert (
        send(client, "GET", f"/care/therapists/{care.therapist.pk}", headers=headers).status_code
        == 404
    )
    page = client_for(stranger).get(reverse("care:home"))
    assert b"doesn't offer sessions" in page.content


def test_people_who_left_cannot_book(care, member):
    member.status = Person.Status.LEFT
    member.save()
    with pytest.raises(ValidationError):
        book(member, care, next_slot(care.therapist, care.session))


def test_the_database_itself_refuses_overlapping_active_bookings_on_postgresql(care, member):
    """PostgreSQL: the exclusion constraint holds even against code that skips the service.
    SQLite has no such constraint; there the service's check inside the IMMEDIATE
    transaction is what holds (and test_concurrency proves it under load)."""
    slot = next_slot(care.therapist, care.session)
    booking = book(member, care, slot)
    duplicate = Booking(
        organization=booking.organization,
        client=member,
        therapist=care.therapist,
        session_type=care.session,
        starts_at=booking.starts_at + timedelta(minutes=20),
        ends_at=booking.ends_at + timedelta(minutes=20),
        blocked_from=booking.blocked_from + timedelta(minutes=20),
        blocked_until=booking.blocked_until + timedelta(minutes=20),
    )
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()
        # Cancelled bookings don't block: the constraint is partial.
        Booking.objects.filter(pk=booking.pk).update(status="cancelled")
        duplicate.save()
    else:
        with pytest.raises(services.SlotTaken):
            book(member, care, type("S", (), {"start": duplicate.starts_at})())
