"""Notification emails, sent through a real SMTP server (aiosmtpd) and read back."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django_tasks_db.models import DBTaskResult

from rapport.notifications import services
from rapport.notifications.models import EmailState, Notification, NotificationPreference
from rapport.notifications.services import notification_email_send, notify
from rapport.notifications.types import TYPES, Channel, NotificationType, TypeInfo
from rapport.people.models import Person

from .conftest import run_queued_tasks

pytestmark = pytest.mark.django_db

TUESDAY_MORNING = datetime(2025, 6, 10, 9, 0, tzinfo=UTC)  # 10:00 in London


@pytest.fixture(autouse=True)
def _tuesday_morning():
    with time_machine.travel(TUESDAY_MORNING, tick=False):
        yield


def _notify(person: Person, on_commit, **kwargs) -> Notification:
    with on_commit():
        notification = notify(
            recipient=person,
            type=kwargs.pop("type", NotificationType.WELCOME),
            title=kwargs.pop("title", "Welcome, Mia"),
            body=kwargs.pop("body", "Start with your first check-in."),
            url=kwargs.pop("url", "/people/"),
            **kwargs,
        )
    assert notification is not None
    return notification


def test_the_email_has_text_and_html_a_neutral_subject_and_a_link_to_the_object(
    member, smtp_server, on_commit, settings
):
    notification = _notify(member, on_commit)
    run_queued_tasks()

    message = smtp_server.wait_for_message(to=member.email)
    assert message.subject == "Welcome to Rapport"
    assert "multipart/alternative" in message.content_types()
    assert "Start with your first check-in." in message.text
    assert message.html is not None and "Start with your first check-in." in message.html
    open_link = f"{settings.SITE_URL}/inbox/{notification.pk}/open/"
    assert open_link in message.links()
    assert f'href="{open_link}"' in message.html
    assert message.message["Auto-Submitted"] == "auto-generated"
    assert message.message["Message-ID"].startswith(f"<rapport.notification.{notification.pk}.")
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT and notification.emailed_at is not None


def test_the_unsubscribe_link_works_without_signing_in_and_only_on_confirmation(
    member, smtp_server, on_commit, settings
):
    _notify(member, on_commit)
    run_queued_tasks()
    message = smtp_server.wait_for_message(to=member.email)

    unsubscribe = next(link for link in message.links() if "/unsubscribe/" in link)
    assert str(message.message["List-Unsubscribe"]).strip() == f"<{unsubscribe}>"
    assert message.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in (message.html or "")
    path = urlsplit(unsubscribe).path
    anonymous = Client(enforce_csrf_checks=True)

    page = anonymous.get(path)  # what a link scanner does: changes nothing
    assert page.status_code == 200
    assert b"Stop emails about" in page.content and b"Welcome" in page.content
    assert not NotificationPreference.objects.exists()

    done = anonymous.post(path)
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    preference = NotificationPreference.objects.get(person=member)
    assert (preference.type, preference.channel) == (NotificationType.WELCOME, Channel.IN_APP)

    # The next one of that type reaches the inbox but sends no email.
    again = _notify(member, on_commit, title="Welcome again")
    assert again.in_app and again.email_state == EmailState.SKIPPED
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_mail_clients_one_click_unsubscribe(member, smtp_server, on_commit):
    _notify(member, on_commit)
    run_queued_tasks()
    header = smtp_server.wait_for_message(to=member.email).message["List-Unsubscribe"]
    link = str(header).strip()[1:-1]
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(link).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(person=member).channel == Channel.IN_APP


def test_a_forged_unsubscribe_link_is_refused(client, member):
    response = client.post("/unsubscribe/not-a-real-token/")
    assert response.status_code == 400
    assert b"This link is not valid" in response.content


def test_running_the_email_task_twice_sends_one_email(member, smtp_server, on_commit):
    notification = _notify(member, on_commit)
    services.enqueue_notification_email(notification.pk)  # e.g. the overdue-email job
    assert DBTaskResult.objects.count() == 2
    run_queued_tasks()
    assert [t.return_value for t in DBTaskResult.objects.order_by("finished_at")] == [
        "sent",
        "done:sent",
    ]
    smtp_server.wait_for_message(to=member.email)
    assert len(smtp_server.messages) == 1


def test_a_run_that_finds_another_runs_fresh_claim_leaves_it_alone(member, smtp_server, on_commit):
    notification = _notify(member, on_commit)
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.SENDING, email_claim="task-a", email_claimed_at=TUESDAY_MORNING
    )
    assert notification_email_send(notification_id=notification.pk, claim="task-b") == "busy"
    smtp_server.assert_nothing_sent()


def test_a_retried_run_that_finds_its_own_claim_sends(member, smtp_server, on_commit):
    """The worker died mid-send; the recovered task (same id) sends the email."""
    notification = _notify(member, on_commit)
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.SENDING, email_claim="task-a", email_claimed_at=TUESDAY_MORNING
    )
    assert notification_email_send(notification_id=notification.pk, claim="task-a") == "sent"
    assert len([smtp_server.wait_for_message(to=member.email)]) == 1


def test_in_quiet_hours_nothing_is_sent_until_morning(member, smtp_server, on_commit):
    evening = datetime(2025, 6, 10, 21, 30, tzinfo=UTC)  # 22:30 in London
    with time_machine.travel(evening, tick=False):
        _notify(member, on_commit)
        assert run_queued_tasks() == []  # deferred: not due yet
    smtp_server.assert_nothing_sent()
    with time_machine.travel(datetime(2025, 6, 11, 7, 0, 5, tzinfo=UTC), tick=False):
        assert len(run_queued_tasks()) == 1
    message = smtp_server.wait_for_message(to=member.email)
    assert "Welcome, Mia" in message.text


def test_quiet_hours_changed_after_queueing_still_hold_the_email(member, smtp_server, on_commit):
    _notify(member, on_commit)
    member.time_zone = "Pacific/Auckland"  # it is 21:00 there now: inside quiet hours
    member.save()
    [task] = run_queued_tasks()
    assert task.return_value == "deferred"
    smtp_server.assert_nothing_sent()
    deferred = DBTaskResult.objects.get(status="READY")
    assert deferred.run_after == datetime(2025, 6, 10, 20, 0, tzinfo=UTC)  # 08:00 NZST


def test_nothing_is_sent_to_someone_who_went_on_leave_meanwhile(member, smtp_server, on_commit):
    notification = _notify(member, on_commit)
    member.status = Person.Status.ON_LEAVE
    member.save()
    run_queued_tasks()
    smtp_server.assert_nothing_sent()
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SKIPPED


def test_a_private_type_emails_only_a_link(member, smtp_server, on_commit, monkeypatch):
    monkeypatch.setitem(
        TYPES,
        NotificationType.SYSTEM,
        TypeInfo(description="", default_channel=Channel.BOTH, subject="News", private=True),
    )
    _notify(member, on_commit, type=NotificationType.SYSTEM, title="Your session on Tuesday")
    run_queued_tasks()
    message = smtp_server.wait_for_message(to=member.email)
    assert "Tuesday" not in message.text and "Tuesday" not in (message.html or "")
    assert "something new for you" in message.text


def test_a_failing_mail_server_leaves_the_email_for_a_retry(member, settings, on_commit):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    notification = _notify(member, on_commit)
    with pytest.raises(OSError):
        notification_email_send(notification_id=notification.pk, claim="task-a")
    notification.refresh_from_db()
    assert notification.email_state == EmailState.PENDING
    assert notification.email_attempts == 1
    assert notification.email_due_at > TUESDAY_MORNING  # backs off before the next try
