"""Care's emails: calendar invites over real SMTP, parsed back with icalendar; one email
per change for the member; reminders; nothing sent inside a request, retried when the
mail server is down."""

from __future__ import annotations

import socket
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar

from rapport.care import services
from rapport.care.models import Booking, CareEmail
from rapport.notifications.models import EmailState, Notification, NotificationPreference
from rapport.notifications.types import Channel, NotificationType

from ..conftest import client_for
from .conftest import next_slot, run_queued_tasks

pytestmark = pytest.mark.django_db


def invite_of(message) -> Calendar:  # type: ignore[no-untyped-def]
    parts = [part for part in message.message.walk() if part.get_filename() == "invite.ics"]
    assert len(parts) == 1, message.content_types()
    return Calendar.from_ical(parts[0].get_payload(decode=True))


def event_of(calendar: Calendar):  # type: ignore[no-untyped-def]
    [event] = calendar.walk("VEVENT")
    return event


def book(care, member, slot, **kwargs):  # type: ignore[no-untyped-def]
    return services.booking_create(
        client=member,
        therapist=care.therapist,
        session_type=care.session,
        starts_at=slot.start,
        **kwargs,
    )


def local_text(moment, tz: str) -> str:  # type: ignore[no-untyped-def]
    return date_format(moment.astimezone(ZoneInfo(tz)), "l j F Y, H:i") + f" ({tz})"


def test_invites_follow_the_booking_through_booking_moving_and_cancelling(
    smtp_server, care, member, django_capture_on_commit_callbacks
):
    member.time_zone = "America/New_York"
    member.save()
    first = next_slot(care.therapist, care.session)
    second = next_slot(care.therapist, care.session, after=first.start + timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(care, member, first, intake_reason="I can't sleep before Mondays")
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
    # The email and the invite agree on the instant, each in its reader's time zone.
    assert local_text(first.start, "America/New_York") in to_member.text
    assert local_text(first.start, care.therapist.time_zone) in to_therapist.text

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
    # Exactly one email to each of them per change, and to nobody else.
    recipients = sorted(r for m in smtp_server.messages for r in m.recipients)
    assert recipients == sorted([member.email] * 3 + [care.therapist.user.email] * 3)


def test_the_member_gets_one_email_per_change_and_the_notice_stays_in_the_app(
    smtp_server, care, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(care, member, next_slot(care.therapist, care.session))
    run_queued_tasks()
    notification = Notification.objects.get(recipient=member)
    assert notification.in_app and notification.email_state == EmailState.SKIPPED
    smtp_server.wait_for_message(to=member.email, subject="Calendar update")
    smtp_server.wait_for_message(to=care.therapist.user.email, subject="Calendar update")
    assert len(smtp_server.messages) == 2


@pytest.mark.parametrize("channel", [Channel.IN_APP, Channel.OFF])
def test_a_member_who_takes_no_care_emails_gets_none_the_therapist_still_does(
    smtp_server, care, member, django_capture_on_commit_callbacks, channel
):
    NotificationPreference.objects.create(
        person=member, type=NotificationType.CARE, channel=channel
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(care, member, next_slot(care.therapist, care.session))
    run_queued_tasks()
    invite = smtp_server.wait_for_message(to=care.therapist.user.email)
    assert str(event_of(invite_of(invite))["UID"]) == booking.uid
    assert [m.recipients for m in smtp_server.messages] == [(care.therapist.user.email,)]
    in_app = Notification.objects.filter(recipient=member)
    assert in_app.count() == (1 if channel == Channel.IN_APP else 0)
    # The invite is still theirs to take from the page.
    ics = client_for(member).get(reverse("care:booking_ics", args=[booking.pk]))
    assert str(event_of(Calendar.from_ical(ics.content))["UID"]) == booking.uid


def test_a_member_who_wants_email_only_gets_the_invite_and_no_inbox_notice(
    smtp_server, care, member, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        person=member, type=NotificationType.CARE, channel=Channel.EMAIL
    )
    with django_capture_on_commit_callbacks(execute=True):
        book(care, member, next_slot(care.therapist, care.session))
    run_queued_tasks()
    smtp_server.wait_for_message(to=member.email, subject="Calendar update")
    assert not Notification.objects.filter(recipient=member).exists()


def test_an_invite_for_an_older_revision_is_skipped_and_a_repeat_sends_once(
    smtp_server, care, member
):
    slot = next_slot(care.therapist, care.session)
    booking = book(care, member, slot)
    first = CareEmail.objects.get(dedupe_key__endswith=":0:client")
    assert services.care_email_send(email_id=first.pk, claim="run-1") == "sent"
    assert services.care_email_send(email_id=first.pk, claim="run-2") == "done:sent"
    therapist_email = CareEmail.objects.get(dedupe_key__endswith=":0:therapist")
    later = next_slot(care.therapist, care.session, after=slot.start + timedelta(days=2))
    services.booking_reschedule(booking=booking, starts_at=later.start)
    assert services.care_email_send(email_id=therapist_email.pk, claim="run-3") == (
        "skipped:superseded"
    )
    assert [m.recipients for m in smtp_server.messages] == [(member.email,)]


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_tasks_allowing_failures() -> list[DBTaskResult]:
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    done = []
    while (result := DBTaskResult.objects.ready().first()) is not None:
        result.claim(worker.worker_id)
        with TestCase.captureOnCommitCallbacks(execute=True):
            worker.run_task(result)
        result.refresh_from_db()
        done.append(result)
    return done


def test_with_the_mail_server_down_booking_still_works_and_the_invites_arrive_later(
    smtp_server, care, member, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = _closed_port()
    slot = next_slot(care.therapist, care.session)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            reverse("care:book", args=[care.therapist.pk]),
            {"session_type": care.session.pk, "start": slot.start.isoformat()},
        )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("care:booking", args=[booking.pk])

    failed = _run_tasks_allowing_failures()
    assert [r.status for r in failed] == ["FAILED", "FAILED"]
    waiting = list(CareEmail.objects.all())
    assert {(e.state, e.attempts) for e in waiting} == {(CareEmail.State.PENDING, 1)}
    assert all(e.due_at > timezone.now() for e in waiting)
    assert smtp_server.messages == []

    # The mail server is back; the periodic job queues the emails again once they're due.
    settings.EMAIL_PORT = smtp_server.port
    assert services.care_emails_retry() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert services.care_emails_retry() == 2
        run_queued_tasks()
    for address in (member.email, care.therapist.user.email):
        event = event_of(invite_of(smtp_server.wait_for_message(to=address)))
        assert str(event["UID"]) == booking.uid and event.decoded("DTSTART") == slot.start
    assert set(CareEmail.objects.values_list("state", flat=True)) == {CareEmail.State.SENT}


def test_with_the_immediate_backend_a_down_mail_server_still_answers_the_request(
    smtp_server, care, member, settings, django_capture_on_commit_callbacks
):
    """A deployment that runs tasks in-process still never fails a request over SMTP."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_PORT = _closed_port()
    slot = next_slot(care.therapist, care.session)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            reverse("care:book", args=[care.therapist.pk]),
            {"session_type": care.session.pk, "start": slot.start.isoformat()},
        )
    assert response.status_code == 302
    assert Booking.objects.count() == 1
    assert set(CareEmail.objects.values_list("state", "attempts")) == {("pending", 1)}


def test_emails_that_keep_failing_are_given_up_and_old_ones_are_cleared(
    care, member, settings, smtp_server
):
    settings.EMAIL_PORT = _closed_port()
    book(care, member, next_slot(care.therapist, care.session))
    email = CareEmail.objects.filter(dedupe_key__endswith=":client").get()
    moment = timezone.now()
    for attempt in range(services.MAX_EMAIL_ATTEMPTS):
        moment += timedelta(hours=1)
        with pytest.raises(OSError):
            services.care_email_send(email_id=email.pk, claim=f"run-{attempt}", now=moment)
    email.refresh_from_db()
    assert email.state == CareEmail.State.FAILED
    assert services.care_email_send(email_id=email.pk, claim="again") == "done:failed"
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        services.care_emails_retry()
    assert not CareEmail.objects.filter(pk=email.pk).exists()


def test_reminders_come_a_day_and_an_hour_before_once_each_in_neutral_words(
    care, member, smtp_server, django_capture_on_commit_callbacks
):
    slot = next_slot(care.therapist, care.session)
    booking = book(care, member, slot, intake_reason="Panic on Sundays")

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
        with django_capture_on_commit_callbacks(execute=True):
            assert services.reminders_send() == 1
            assert services.reminders_send() == 0
        run_queued_tasks()
    with time_machine.travel(slot.start - timedelta(minutes=50)):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.reminders_send() == 1
            assert services.reminders_send() == 0
        run_queued_tasks()
    assert reminders()[1] == "Your appointment starts within the hour"
    assert reminders()[0] in ("Your appointment is tomorrow", "Your appointment is today")
    booking.refresh_from_db()
    assert booking.reminded_day_at and booking.reminded_hour_at
    # The in-app notices send no email of their own; the reminders' emails are neutral.
    assert not Notification.objects.filter(recipient=member).exclude(email_state=EmailState.SKIPPED)
    for _ in range(2):
        message = smtp_server.wait_for_message(to=member.email, subject="A reminder from Rapport")
        assert local_text(slot.start, member.time_zone) in message.text
        for word in ("Tracy", "Okonkwo", "therap", "Panic", "Session", "counsel"):
            assert word not in message.text
    assert not [m for m in smtp_server.messages if care.therapist.user.email in m.recipients]


def test_no_day_reminder_for_a_fresh_booking_and_none_that_would_arrive_too_late(
    care, member, smtp_server
):
    slot = next_slot(care.therapist, care.session)
    with time_machine.travel(slot.start - timedelta(hours=20)):
        book(care, member, slot)
        assert services.reminders_send() == 0  # just booked: the confirmation is fresh
    # Quiet hours that cover the last hour: the in-app reminder comes, no late email.
    from rapport.notifications.models import NotificationSettings

    local = slot.start.astimezone(member.tz)
    NotificationSettings.objects.create(
        person=member,
        quiet_hours_start=(local - timedelta(hours=2)).time(),
        quiet_hours_end=(local + timedelta(hours=2)).time(),
    )
    with time_machine.travel(slot.start - timedelta(minutes=50)):
        assert services.reminders_send() == 1
    assert not CareEmail.objects.filter(kind=CareEmail.Kind.REMINDER).exists()
    assert Notification.objects.filter(title__contains="within the hour").exists()


def test_cancelled_bookings_get_no_reminders(care, member):
    slot = next_slot(care.therapist, care.session)
    booking = book(care, member, slot)
    services.booking_cancel(booking=booking)
    with time_machine.travel(slot.start - timedelta(hours=2)):
        assert services.reminders_send() == 0


def test_erasing_a_member_still_tells_the_therapist_and_keeps_no_email_to_the_member(
    care, member, smtp_server, django_capture_on_commit_callbacks
):
    from rapport.care.services import care_data_erase

    booking = book(care, member, next_slot(care.therapist, care.session))
    uid = booking.uid
    with django_capture_on_commit_callbacks(execute=True):
        care_data_erase(person=member)
    assert not Booking.objects.exists()
    assert not CareEmail.objects.filter(to=member.email).exists()
    run_queued_tasks()
    cancelled = smtp_server.wait_for_message(to=care.therapist.user.email)
    calendar = invite_of(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event_of(calendar)["UID"]) == uid


def test_the_public_intro_request_works_with_the_mail_server_down_and_mails_later(
    care, client, smtp_server, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    settings.EMAIL_PORT = _closed_port()
    started = services.intro_form_token(now=timezone.now() - timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            reverse("care:practice_public", args=[care.practice.slug]),
            {"name": "Robin Public", "email": "robin@example.com", "started": started},
        )
    assert sent.status_code == 200 and b"Check your email" in sent.content
    assert [r.status for r in _run_tasks_allowing_failures()] == ["FAILED"]
    settings.EMAIL_PORT = smtp_server.port
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert services.care_emails_retry() == 1
        run_queued_tasks()
    message = smtp_server.wait_for_message(to="robin@example.com")
    assert any("/confirm/" in link for link in message.links())


@pytest.mark.parametrize(
    ("channel", "hint"),
    [
        (Channel.BOTH, "invite is on its way to your inbox"),
        (Channel.IN_APP, "add it to your calendar from this page"),
    ],
)
def test_the_confirmation_says_where_the_invite_is(care, member, channel, hint):
    NotificationPreference.objects.create(
        person=member, type=NotificationType.CARE, channel=channel
    )
    slot = next_slot(care.therapist, care.session)
    page = client_for(member).post(
        reverse("care:book", args=[care.therapist.pk]),
        {"session_type": care.session.pk, "start": slot.start.isoformat()},
        follow=True,
    )
    assert hint in page.content.decode()
