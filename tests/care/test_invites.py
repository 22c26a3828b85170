"""Calendar invites over real SMTP, parsed back with icalendar; reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from icalendar import Calendar

from rapport.care import services
from rapport.care.models import Booking
from rapport.notifications.models import Notification

from .conftest import next_slot, run_queued_tasks

pytestmark = pytest.mark.django_db


def invite_of(message) -> Calendar:  # type: ignore[no-untyped-def]
    parts = [part for part in message.message.walk() if part.get_filename() == "invite.ics"]
    assert len(parts) == 1, message.content_types()
    return Calendar.from_ical(parts[0].get_payload(decode=True))


def event_of(calendar: Calendar):  # type: ignore[no-untyped-def]
    [event] = calendar.walk("VEVENT")
    return event


def test_invites_follow_the_booking_through_booking_moving_and_cancelling(
    smtp_server, care, member, django_capture_on_commit_callbacks
):
    first = next_slot(care.therapist, care.session)
    second = next_slot(care.therapist, care.session, after=first.start + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            client=member,
            therapist=care.therapist,
            session_type=care.session,
            starts_at=first.start,
            intake_reason="I can't sleep before Mondays",
        )
    run_queued_tasks()
    to_member = smtp_server.wait_for_message(to=member.email, subject="Calendar update")
    to_therapist = smtp_server.wait_for_message(
        to=care.therapist.user.email, subject="Calendar update"
    )
    for message in (to_member, to_therapist):
        calendar = invite_of(message)
        event = event_of(calendar)
        assert str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == booking.uid
        assert int(event["SEQUENCE"]) == 0
        assert str(event["SUMMARY"]) == "Appointment"
        assert str(event["STATUS"]) == "CONFIRMED"
        assert event.decoded("DTSTART") == first.start
        assert event.decoded("DTEND") == first.end
        # Neutral: no therapist, no topic, no intake, in the email or the invite.
        raw = message.message.as_string()
        for word in ("Tracy", "Okonkwo", "therap", "sleep", "Session", "counsel"):
            assert word.lower() not in message.subject.lower()
            assert word not in message.text
            assert word not in str(event.get("SUMMARY")) + str(event.get("DESCRIPTION"))
        assert "sleep" not in raw

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reschedule(booking=booking, starts_at=second.start)
    run_queued_tasks()
    moved = event_of(
        invite_of(smtp_server.wait_for_message(to=member.email, subject="Calendar update"))
    )
    assert str(moved["UID"]) == booking.uid and int(moved["SEQUENCE"]) == 1
    assert moved.decoded("DTSTART") == second.start
    smtp_server.wait_for_message(to=care.therapist.user.email, subject="Calendar update")

    booking.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking)
    run_queued_tasks()
    for address in (member.email, care.therapist.user.email):
        calendar = invite_of(smtp_server.wait_for_message(to=address, subject="Calendar update"))
        cancelled = event_of(calendar)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(cancelled["STATUS"]) == "CANCELLED"
        assert str(cancelled["UID"]) == booking.uid and int(cancelled["SEQUENCE"]) == 2


def test_the_members_own_notification_email_carries_no_content(
    smtp_server, care, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(
            client=member,
            therapist=care.therapist,
            session_type=care.session,
            starts_at=next_slot(care.therapist, care.session).start,
        )
    run_queued_tasks()
    # The notice itself (sent whenever the member's quiet hours allow) says nothing.
    from rapport.notifications.emails import notification_email

    notification = Notification.objects.get(recipient=member)
    notification_email(notification).send()
    notice = smtp_server.wait_for_message(to=member.email, subject="An update from Rapport")
    assert "Tracy" not in notice.text and notification.body not in notice.text
    # Nobody else heard anything.
    recipients = {r for m in smtp_server.messages for r in m.recipients}
    assert recipients == {member.email, care.therapist.user.email}


def test_a_stale_invite_task_sends_nothing_and_a_repeat_sends_once(smtp_server, care, member):
    booking = services.booking_create(
        client=member,
        therapist=care.therapist,
        session_type=care.session,
        starts_at=next_slot(care.therapist, care.session).start,
    )
    assert services.booking_invites_send(booking_id=booking.pk, sequence=0) == "sent"
    assert services.booking_invites_send(booking_id=booking.pk, sequence=0) == "skipped"
    Booking.objects.filter(pk=booking.pk).update(sequence=3)
    assert services.booking_invites_send(booking_id=booking.pk, sequence=2) == "skipped"


def test_reminders_come_a_day_and_an_hour_before_once_each(care, member):
    slot = next_slot(care.therapist, care.session)
    booking = services.booking_create(
        client=member, therapist=care.therapist, session_type=care.session, starts_at=slot.start
    )

    def reminders() -> list[str]:
        return list(
            Notification.objects.filter(recipient=member, title__contains="Your appointment")
            .exclude(title="Your appointment is booked")
            .order_by("created_at", "id")
            .values_list("title", flat=True)
        )

    with time_machine.travel(slot.start - timedelta(hours=30)):
        assert services.reminders_send() == 0
    with time_machine.travel(slot.start - timedelta(hours=23)):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    with time_machine.travel(slot.start - timedelta(minutes=50)):
        assert services.reminders_send() == 1
        assert services.reminders_send() == 0
    assert reminders() == [
        "Your appointment is tomorrow",
        "Your appointment starts within the hour",
    ]
    booking.refresh_from_db()
    assert booking.reminded_day_at and booking.reminded_hour_at


def test_cancelled_bookings_get_no_reminders(care, member):
    slot = next_slot(care.therapist, care.session)
    booking = services.booking_create(
        client=member, therapist=care.therapist, session_type=care.session, starts_at=slot.start
    )
    services.booking_cancel(booking=booking)
    with time_machine.travel(slot.start - timedelta(hours=2)):
        assert services.reminders_send() == 0
