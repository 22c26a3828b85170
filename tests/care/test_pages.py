"""Care's pages through HTTP: the member's, the therapist's, the practice admin's and the
public page; query counts that stay flat as data grows; data rights; usage figures."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.care import selectors, services
from rapport.care.models import Booking, DateException, IntroRequest, SessionNote
from rapport.people.data_rights import person_data_erase, person_data_export
from rapport.people.models import Person
from tests.api import bearer, send
from tests.factories import PersonFactory

from ..conftest import client_for
from .conftest import next_slot, run_queued_tasks, staff_client
from .factories import SessionTypeFactory, TherapistFactory, every_day

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def more_therapists(care, count: int) -> None:
    for _ in range(count):
        therapist = TherapistFactory(practice=care.practice)
        every_day(therapist)
        SessionTypeFactory(therapist=therapist)


def test_home_shows_the_allowance_filters_and_upcoming_appointments(care, member, member_client):
    slot = next_slot(care.therapist, care.session)
    services.booking_create(
        client=member, therapist=care.therapist, session_type=care.session, starts_at=slot.start
    )
    page = member_client.get(reverse("care:home"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "7 <span" in body and "of 8 left" in body
    assert "Tracy Okonkwo-Hale" in body and "Olga Elsewhere" not in body
    assert reverse("care:booking", args=[Booking.objects.get().pk]) in body
    filtered = member_client.get(
        reverse("care:home"), {"specialty": "conflict"}, headers={"HX-Request": "true"}
    )
    assert "Tracy" not in filtered.content.decode()
    assert b"Nobody matches" in filtered.content
    partial = member_client.get(
        reverse("care:home"), {"language": "en"}, headers={"HX-Request": "true"}
    )
    assert b"<h1>" not in partial.content and b"Tracy" in partial.content


def test_list_pages_use_a_fixed_number_of_queries(care, member, member_client):
    more_therapists(care, 2)
    home_small = queries(member_client, reverse("care:home"))
    more_therapists(care, 6)
    for _ in range(3):
        slot = next_slot(
            care.therapist, care.session, after=timezone.now() + timedelta(days=2 + 2 * _)
        )
        services.booking_create(
            client=member, therapist=care.therapist, session_type=care.session, starts_at=slot.start
        )
    assert queries(member_client, reverse("care:home")) == home_small
    bookings = queries(member_client, reverse("care:bookings"))
    therapist = staff_client(care.therapist.user)
    schedule = queries(therapist, reverse("care:schedule"))
    admin = staff_client(care.practice_admin)
    practice = queries(admin, reverse("care:practice_admin"))
    for _ in range(3):
        slot = next_slot(
            care.therapist, care.session, after=timezone.now() + timedelta(days=10 + 2 * _)
        )
        services.booking_create(
            client=member, therapist=care.therapist, session_type=care.session, starts_at=slot.start
        )
    more_therapists(care, 3)
    assert queries(member_client, reverse("care:bookings")) == bookings
    assert queries(therapist, reverse("care:schedule")) == schedule
    assert queries(admin, reverse("care:practice_admin")) == practice
    client = Client()
    headers = bearer(member)
    send(client, "GET", "/care/therapists", headers=headers)  # the token's first use is noted
    with CaptureQueriesContext(connection) as few:
        send(client, "GET", "/care/therapists", headers=headers)
    more_therapists(care, 4)
    with CaptureQueriesContext(connection) as many:
        send(client, "GET", "/care/therapists", headers=headers)
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_therapist_page_pages_by_week_with_htmx_in_the_viewers_time_zone(
    care, member, member_client
):
    member.time_zone = "America/New_York"
    member.save()
    url = reverse("care:therapist", args=[care.therapist.pk])
    page = member_client.get(url, {"type": care.session.pk})
    assert b"America/New_York" in page.content
    later = (timezone.now() + timedelta(days=14)).date().isoformat()
    partial = member_client.get(
        url, {"type": care.session.pk, "week": later}, headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200 and b"<h1>" not in partial.content
    # London 09:00 is 04:00 or 05:00 in New York: the page shows the viewer's clock.
    assert b">04:00<" in partial.content or b">05:00<" in partial.content
    junk = member_client.get(url, {"type": "nope", "week": "not-a-date"})
    assert junk.status_code == 200


def test_booking_detail_move_cancel_and_ics_through_the_pages(care, member, member_client):
    first = next_slot(care.therapist, care.session)
    second = next_slot(care.therapist, care.session, after=first.start + timedelta(days=1))
    booking = services.booking_create(
        client=member, therapist=care.therapist, session_type=care.session, starts_at=first.start
    )
    move = member_client.get(
        reverse("care:booking_reschedule", args=[booking.pk]),
        {"week": second.start.date().isoformat()},
    )
    assert move.status_code == 200 and second.start.isoformat().encode() in move.content
    moved = member_client.post(
        reverse("care:booking_reschedule", args=[booking.pk]), {"start": second.start.isoformat()}
    )
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == second.start
    bad = member_client.post(
        reverse("care:booking_reschedule", args=[booking.pk]), {"start": "soon"}
    )
    assert bad.status_code == 422
    ics = member_client.get(reverse("care:booking_ics", args=[booking.pk]))
    assert b"SUMMARY:Appointment" in ics.content and b"SEQUENCE:1" in ics.content
    member_client.post(reverse("care:booking_cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    again = member_client.post(reverse("care:booking_cancel", args=[booking.pk]), follow=True)
    assert b"can&#x27;t be changed" in again.content


def test_the_therapist_reads_intake_writes_private_notes_and_records_attendance(care, member):
    slot = next_slot(care.therapist, care.session)
    booking = services.booking_create(
        client=member,
        therapist=care.therapist,
        session_type=care.session,
        starts_at=slot.start,
        intake_reason="Returning after leave",
    )
    client = staff_client(care.therapist.user)
    assert member.display_name.encode() in client.get(reverse("care:schedule")).content
    page = client.get(reverse("care:session", args=[booking.pk]))
    assert b"Returning after leave" in page.content and member.display_name.encode() in page.content
    client.post(reverse("care:session_note", args=[booking.pk]), {"text": "Talked about sleep"})
    note = SessionNote.objects.get()
    assert note.text == "Talked about sleep"
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM care_sessionnote")
        assert "sleep" not in cursor.fetchone()[0]
    early = client.post(
        reverse("care:session_outcome", args=[booking.pk]), {"outcome": "attended"}, follow=True
    )
    assert b"once the session has started" in early.content
    with time_machine.travel(slot.start + timedelta(minutes=5)):
        client.post(reverse("care:session_outcome", args=[booking.pk]), {"outcome": "attended"})
    booking.refresh_from_db()
    assert booking.status == "attended"


def test_the_therapist_api_works_without_a_person(care, member, client):
    from rapport.accounts.tokens import token_create

    slot = next_slot(care.therapist, care.session)
    booking = services.booking_create(
        client=member,
        therapist=care.therapist,
        session_type=care.session,
        starts_at=slot.start,
        intake_reason="Hard week",
    )
    _, secret = token_create(user=care.therapist.user, name="t")
    headers = {"Authorization": f"Bearer {secret}"}
    listed = send(client, "GET", "/care/practice/sessions", headers=headers).json()
    assert listed["items"][0]["client_name"] == member.display_name
    detail = send(
        client,
        "PUT",
        f"/care/practice/sessions/{booking.pk}/note",
        {"text": "Note"},
        headers=headers,
    ).json()
    assert detail["intake_reason"] == "Hard week" and detail["note"] == "Note"
    availability = send(
        client,
        "GET",
        f"/care/practice/therapists/{care.therapist.pk}/availability",
        headers=headers,
    ).json()
    assert len(availability["weekly_hours"]) == 7
    availability.pop("therapist_id")
    availability.pop("exceptions")
    availability["weekly_hours"] = [{"weekday": 1, "start": "10:00", "end": "12:00"}]
    updated = send(
        client,
        "PUT",
        f"/care/practice/therapists/{care.therapist.pk}/availability",
        availability,
        headers=headers,
    )
    assert updated.status_code == 200 and len(updated.json()["weekly_hours"]) == 1
    bad = dict(availability, weekly_hours=[{"weekday": 1, "start": "12:00", "end": "10:00"}])
    refused = send(
        client,
        "PUT",
        f"/care/practice/therapists/{care.therapist.pk}/availability",
        bad,
        headers=headers,
    )
    assert refused.status_code == 422
    assert care.therapist.weekly_hours.count() == 1  # nothing half-saved
    exception = send(
        client,
        "POST",
        f"/care/practice/therapists/{care.therapist.pk}/exceptions",
        {"day": "2030-01-07", "kind": "off"},
        headers=headers,
    )
    assert exception.status_code == 201
    gone = send(
        client,
        "DELETE",
        f"/care/practice/therapists/{care.therapist.pk}/exceptions/{exception.json()['id']}",
        headers=headers,
    )
    assert gone.status_code == 204
    cancelled = send(
        client, "POST", f"/care/practice/sessions/{booking.pk}/cancel", headers=headers
    )
    assert cancelled.json()["status"] == "cancelled"
    # A member's API is not the therapist's: no organisation.
    assert send(client, "GET", "/care/bookings", headers=headers).status_code == 403


def test_availability_pages_for_the_therapist_and_the_practice_admin(care):
    for user in (care.therapist.user, care.practice_admin):
        client = staff_client(user)
        url = reverse("care:availability", args=[care.therapist.pk])
        assert client.get(url).status_code == 200
        added = client.post(
            reverse("care:hours_add", args=[care.therapist.pk]),
            {"weekday": 1, "start": "18:00", "end": "19:00"},
        )
        assert added.status_code == 302
        clash = client.post(
            reverse("care:hours_add", args=[care.therapist.pk]),
            {"weekday": 1, "start": "18:30", "end": "20:00"},
        )
        assert clash.status_code == 422 and b"overlap" in clash.content
        backwards = client.post(
            reverse("care:hours_add", args=[care.therapist.pk]),
            {"weekday": 2, "start": "20:00", "end": "19:00"},
        )
        assert backwards.status_code == 422
        hours = care.therapist.weekly_hours.get(start="18:00")
        client.post(reverse("care:hours_delete", args=[care.therapist.pk, hours.pk]))
        off = client.post(
            reverse("care:exception_add", args=[care.therapist.pk]),
            {"day": "2030-01-07", "kind": "off"},
        )
        assert off.status_code == 302
        half = client.post(
            reverse("care:exception_add", args=[care.therapist.pk]),
            {"day": "2030-01-08", "kind": "extra", "start": "19:00"},
        )
        assert half.status_code == 422
        exception = DateException.objects.get(day=date(2030, 1, 7))
        client.post(reverse("care:exception_delete", args=[care.therapist.pk, exception.pk]))
        saved = client.post(
            url,
            {
                "time_zone": "Europe/Berlin",
                "buffer_before_minutes": 5,
                "buffer_after_minutes": 15,
                "min_notice_hours": 24,
                "horizon_days": 30,
                "max_sessions_per_day": 4,
                "slot_step_minutes": 30,
            },
        )
        assert saved.status_code == 302
        care.therapist.refresh_from_db()
        assert care.therapist.time_zone == "Europe/Berlin"
        invalid = client.post(
            url,
            {
                "time_zone": "Mars/Olympus",
                "buffer_before_minutes": -1,
                "buffer_after_minutes": 0,
                "min_notice_hours": 1,
                "horizon_days": 0,
                "slot_step_minutes": 1,
            },
        )
        assert invalid.status_code == 422
    # The other practice's therapist is not theirs to manage.
    assert (
        staff_client(care.practice_admin)
        .get(reverse("care:availability", args=[care.other_therapist.pk]))
        .status_code
        == 404
    )


def test_the_public_page_takes_a_confirmed_intro_request_and_keeps_bots_out(
    care, client, smtp_server, django_capture_on_commit_callbacks
):
    cache.clear()
    url = reverse("care:practice_public", args=[care.practice.slug])
    page = client.get(url)
    assert page.status_code == 200 and b"Tracy Okonkwo-Hale" in page.content
    started = services.intro_form_token(now=timezone.now() - timedelta(seconds=30))
    honeypot = client.post(
        url, {"name": "Bot", "email": "bot@example.com", "website": "x", "started": started}
    )
    assert honeypot.status_code == 200 and IntroRequest.objects.count() == 0
    too_fast = client.post(
        url, {"name": "Quick", "email": "q@example.com", "started": services.intro_form_token()}
    )
    assert too_fast.status_code == 422 and IntroRequest.objects.count() == 0
    forged = client.post(url, {"name": "Forged", "email": "f@example.com", "started": "123"})
    assert forged.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url, {"name": "Robin Public", "email": "robin@example.com", "started": started}
        )
    assert sent.status_code == 200 and b"Check your email" in sent.content
    assert smtp_server.messages == []  # not from inside the request: the worker sends it
    run_queued_tasks()
    message = smtp_server.wait_for_message(to="robin@example.com")
    [link] = [x for x in message.links() if "/confirm/" in x]
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert IntroRequest.objects.get().confirmed_at is None
    staff = staff_client(care.practice_admin)
    assert b"Robin Public" not in staff.get(reverse("care:intro_requests")).content
    client.get("/" + path)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post("/" + path)
    assert b"confirmed" in confirmed.content
    run_queued_tasks()
    alert = smtp_server.wait_for_message(to=care.practice.email)
    assert "Robin" not in alert.text and "robin@" not in alert.text
    assert b"Robin Public" in staff.get(reverse("care:intro_requests")).content
    assert client.post(f"/care/p/{care.practice.slug}/confirm/bad-token/").status_code == 404
    # Throttled per address and per email.
    for _ in range(6):
        last = client.post(
            url, {"name": "Robin Public", "email": "robin@example.com", "started": started}
        )
    assert last.status_code == 429 and b"try again later" in last.content


def test_data_rights_export_to_the_member_and_erase(care, member, member_client, admin):
    slot = next_slot(care.therapist, care.session)
    booking = services.booking_create(
        client=member,
        therapist=care.therapist,
        session_type=care.session,
        starts_at=slot.start,
        intake_reason="Private words",
    )
    exported = json.loads(member_client.get(reverse("care:export")).content)
    assert exported["appointments"][0]["what_brings_you"] == "Private words"
    assert person_data_export(person=member)["care"]["appointments"][0]["therapist"]
    refused = member_client.post(reverse("care:erase"), follow=True)
    assert b"cancel your upcoming appointments first" in refused.content
    services.booking_cancel(booking=booking)
    member_client.post(reverse("care:erase"))
    assert not Booking.objects.filter(client=member).exists()
    # An org admin erasing someone who left takes their care data with them.
    other = next_slot(care.therapist, care.session)
    services.booking_create(
        client=member, therapist=care.therapist, session_type=care.session, starts_at=other.start
    )
    member.status = Person.Status.LEFT
    member.save()
    person_data_erase(actor=admin, person=member)
    assert not Booking.objects.filter(client=member).exists()


def test_usage_figures_go_through_the_privacy_gate(care, org, admin, lead):
    people = [PersonFactory(organization=org, user__password=None) for _ in range(6)]
    last_month = (timezone.now().date().replace(day=1) - timedelta(days=1)).replace(day=10)
    for i, person in enumerate(people):
        for j in range(2):
            start = timezone.now().replace(
                year=last_month.year,
                month=last_month.month,
                day=10 + j,
                hour=9 + i,
                minute=0,
                second=0,
                microsecond=0,
            )
            Booking.objects.create(
                organization=org,
                client=person,
                therapist=care.therapist,
                session_type=care.session,
                starts_at=start,
                ends_at=start + timedelta(minutes=50),
                blocked_from=start,
                blocked_until=start + timedelta(minutes=60),
                status="attended",
            )
    months = selectors.usage_by_month(viewer=admin)
    released = [m for m in months if m.result.released]
    assert [(m.result.value, m.result.people) for m in released] == [(12, 6)]
    page = client_for(admin).get(reverse("care:usage"))
    assert page.status_code == 200 and b"<td>12</td>" in page.content
    for person in people[:4]:
        person_booking = Booking.objects.filter(client=person).first()
        Booking.objects.filter(pk=person_booking.pk).update(
            starts_at=person_booking.starts_at - timedelta(days=40),
            ends_at=person_booking.ends_at - timedelta(days=40),
            blocked_from=person_booking.blocked_from - timedelta(days=40),
            blocked_until=person_booking.blocked_until - timedelta(days=40),
        )
    assert client_for(lead).get(reverse("care:usage")).status_code == 404
    assert send(Client(), "GET", "/care/usage", headers=bearer(lead)).status_code == 403
    # A month about fewer than five people shows no number at all.
    small = selectors.usage_by_month(viewer=PersonFactory(organization=org, is_org_admin=True))
    assert all(not m.result.released for m in small if m.month.month != last_month.month)
