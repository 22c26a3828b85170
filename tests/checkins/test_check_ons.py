"""Ask, don't assume: a caring message to a colleague, and their private reply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from rapport.checkins.models import CheckOn, CheckOnReply
from rapport.checkins.services import check_on_reply, check_on_send
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.notifications.types import NotificationType
from rapport.people.models import Person
from tests.conftest import client_for
from tests.factories import PersonFactory
from tests.notifications.conftest import run_queued_tasks

from .factories import CheckOnFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(org):
    return PersonFactory(organization=org, display_name="Sam Quiet")


def test_a_member_checks_in_on_a_colleague_who_replies_privately(member, sam):
    client = client_for(member)
    compose = client.get(reverse("checkins:check_on_new") + f"?to={sam.pk}&start=quieter")
    body = compose.content.decode()
    assert 'id="id_message"' in body
    assert "Hi Sam, you&#x27;ve seemed a bit quieter than usual" in body
    response = client.post(
        reverse("checkins:check_on_new") + f"?to={sam.pk}",
        {"to": sam.pk, "message": "Hi Sam, you've seemed quieter. Everything okay?"},
    )
    check_on = CheckOn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("checkins:thread", args=[check_on.pk])
    assert (check_on.sender, check_on.recipient) == (member, sam)

    told = Notification.objects.get(recipient=sam)
    assert told.type == NotificationType.CHECKED_ON
    assert told.url == reverse("checkins:thread", args=[check_on.pk])
    assert "Everything okay" not in told.title + told.body
    checked_on = Interaction.objects.get(kind=Kind.CHECKED_ON)
    assert (checked_on.actor, checked_on.other, checked_on.source_id) == (member, sam, check_on.pk)
    assert checked_on.source_type == ContentType.objects.get_for_model(CheckOn)

    sams = client_for(sam)
    thread = sams.get(reverse("checkins:thread", args=[check_on.pk])).content.decode()
    assert "Everything okay?" in thread and 'id="id_message"' in thread
    sams.post(reverse("checkins:thread", args=[check_on.pk]), {"message": "Thanks, rough week."})
    reply = CheckOnReply.objects.get()
    assert (reply.author, reply.message) == (sam, "Thanks, rough week.")
    back = Notification.objects.get(recipient=member, type=NotificationType.CHECK_ON_REPLY)
    assert "rough week" not in back.title + back.body
    replied = Interaction.objects.get(kind=Kind.REPLIED)
    assert (replied.actor, replied.other, replied.source_id) == (sam, member, reply.pk)
    assert (
        "Thanks, rough week."
        in client.get(reverse("checkins:thread", args=[check_on.pk])).content.decode()
    )


def test_nobody_else_can_read_or_reply_to_the_thread(member, sam, org, outsider):
    check_on = check_on_send(sender=member, recipient=sam, message="Are you okay?")
    third = PersonFactory(organization=org)
    admin = PersonFactory(organization=org, is_org_admin=True)
    for someone in (third, admin, outsider):
        client = client_for(someone)
        url = reverse("checkins:thread", args=[check_on.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"message": "Nosy"}).status_code == 404
    assert not CheckOnReply.objects.exists()


@time_machine.travel(datetime(2025, 6, 10, 9, 0, tzinfo=UTC), tick=False)  # 10:00 in London
def test_the_email_about_a_check_on_carries_no_content(member, sam, smtp_server, on_commit):
    with on_commit():
        check_on_send(sender=member, recipient=sam, message="Worried about the reorg?")
    run_queued_tasks()
    message = smtp_server.wait_for_message(to=sam.email)
    assert "Worried" not in message.text and "Mia" not in message.text
    assert "Mia" not in message.subject


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "Write a few words first."),
        ("   ", "Write a few words first."),
        ("x" * 1001, "at most 1000 characters"),
    ],
)
def test_empty_or_oversized_messages_are_refused_and_nothing_is_sent(member, sam, message, error):
    response = client_for(member).post(
        reverse("checkins:check_on_new") + f"?to={sam.pk}", {"to": sam.pk, "message": message}
    )
    assert response.status_code == 200 and error in response.content.decode()
    assert not CheckOn.objects.exists() and not Notification.objects.exists()


def test_the_service_refuses_yourself_people_who_left_and_other_organisations(
    member, sam, outsider
):
    cases = [
        (member, "That's you"),
        (PersonFactory(organization=member.organization, status=Person.Status.LEFT), "has left"),
        (outsider, "own organisation"),
    ]
    for recipient, error in cases:
        with pytest.raises(ValidationError, match=error):
            check_on_send(sender=member, recipient=recipient, message="Hello")
    with pytest.raises(ValidationError, match="under 1000"):
        check_on_send(sender=member, recipient=sam, message="x" * 1001)
    assert not CheckOn.objects.exists() and not Interaction.objects.exists()


def test_the_page_refuses_a_colleague_who_left_with_a_clear_message(member, org):
    gone = PersonFactory(organization=org, display_name="Gina Gone", status=Person.Status.LEFT)
    client = client_for(member)
    url = reverse("checkins:check_on_new") + f"?to={gone.pk}"
    assert "has left" in client.get(url).content.decode()
    response = client.post(url, {"to": gone.pk, "message": "Miss you"})
    assert "has left, so they can" in response.content.decode()
    assert not CheckOn.objects.exists()


def test_writing_to_someone_of_another_organisation_is_a_404(member, outsider):
    url = reverse("checkins:check_on_new") + f"?to={outsider.pk}"
    assert client_for(member).get(url).status_code == 404
    assert client_for(member).post(url, {"to": outsider.pk, "message": "Hi"}).status_code == 404


def test_writing_to_yourself_shows_no_form(member):
    body = (
        client_for(member)
        .get(reverse("checkins:check_on_new") + f"?to={member.pk}")
        .content.decode()
    )
    assert "That's you" in body and 'id="id_message"' not in body


def test_the_picker_searches_colleagues(member, sam):
    client = client_for(member)
    body = client.get(reverse("checkins:check_on_new") + "?q=Quiet").content.decode()
    assert f"?to={sam.pk}" in body and "Check in on Sam Quiet" in body
    assert (
        "Nobody matches" in client.get(reverse("checkins:check_on_new") + "?q=zzz").content.decode()
    )


def test_only_the_two_people_may_reply_says_the_service(member, sam, org):
    check_on = check_on_send(sender=member, recipient=sam, message="Hi")
    with pytest.raises(ValidationError):
        check_on_reply(check_on=check_on, author=PersonFactory(organization=org), message="Me too")
    with pytest.raises(ValidationError, match="Write a few words"):
        check_on_reply(check_on=check_on, author=sam, message="  ")


def test_the_messages_list_shows_sent_and_received_with_constant_queries(
    member, org, django_assert_max_num_queries
):
    client = client_for(member)
    first = CheckOnFactory(sender=member, recipient=PersonFactory(organization=org))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("checkins:threads"))
    for n in range(12):
        other = PersonFactory(organization=org, display_name=f"Colleague {n}")
        if n % 2:
            CheckOnFactory(sender=member, recipient=other)
        else:
            received = CheckOnFactory(sender=other, recipient=member)
            check_on_reply(check_on=received, author=member, message="Thanks")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("checkins:threads")).content.decode()
    assert f"You checked in on {first.recipient.display_name}" in body
    assert "Colleague 0 checked in on you" in body and "1 reply" in body
    someone_else = PersonFactory(organization=org)
    CheckOnFactory(
        sender=someone_else, recipient=PersonFactory(organization=org, display_name="Not Mine")
    )
    assert "Not Mine" not in client.get(reverse("checkins:threads")).content.decode()
