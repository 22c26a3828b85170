"""Invitations: an org admin invites a person by email; the link, delivered over real
SMTP, lets them choose a password once and only while it is fresh."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.accounts.models import Invitation, User
from rapport.people.models import Membership, Person
from tests.conftest import client_for
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

INVITE = reverse("accounts:invite")
NEW_PASSWORD = "a long and friendly passphrase"


@pytest.fixture
def send_invitation(org_admin_client, django_capture_on_commit_callbacks, smtp_server):
    """Invite through the page as the org admin; return the email that arrived."""

    def send(email="nina@example.com", name="Nina New", team=None):
        data = {"display_name": name, "email": email, "team": team.pk if team else ""}
        with django_capture_on_commit_callbacks(execute=True):
            response = org_admin_client.post(INVITE, data)
        assert response.status_code == 302, response.content.decode()
        return smtp_server.wait_for_message(to=email)

    return send


def link_path(message) -> str:
    [link] = message.links()
    return urlsplit(link).path


def state():
    return (User.objects.count(), Person.objects.count(), Invitation.objects.count())


def test_an_org_admin_invites_by_name_email_and_team(
    org_admin_client, send_invitation, admin, team
):
    page = org_admin_client.get(INVITE)
    assert page.status_code == 200
    assert "Invite someone" in page.content.decode()

    message = send_invitation(team=team)

    person = Person.objects.select_related("user").get(user__email="nina@example.com")
    assert person.display_name == "Nina New"
    assert person.organization_id == admin.organization_id
    assert Membership.objects.filter(person=person, team=team).exists()
    assert not person.user.has_usable_password()

    assert message.subject == "Rapport: Ada Admin invited you"
    assert message.recipients == ("nina@example.com",)
    assert "multipart/alternative" in message.content_types()
    assert {"text/plain", "text/html"} <= set(message.content_types())
    assert "Hello Nina New" in message.text
    [link] = message.links()
    assert urlsplit(link).path.startswith("/accounts/invitation/")
    assert message.html is not None and f'href="{link}"' in message.html

    listing = org_admin_client.get(INVITE).content.decode()
    assert "Invitation sent to nina@example.com." in listing
    assert "Nina New" in listing and "Waiting" in listing


def test_the_link_lets_the_person_choose_a_password_once(send_invitation, org_admin_client):
    path = link_path(send_invitation())
    newcomer = Client()

    welcome = newcomer.get(path)
    assert welcome.status_code == 200
    assert "Welcome, Nina New" in welcome.content.decode()

    joined = newcomer.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert joined.status_code == 302
    assert joined["Location"] == reverse("today")
    assert SESSION_KEY in newcomer.session
    assert "Welcome to Acme!" in newcomer.get(reverse("today")).content.decode()

    # The chosen password is theirs from now on.
    signed_in = Client().post(
        reverse("account_login"), {"login": "nina@example.com", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302

    # A second use of the link, by anyone, opens nothing and changes nothing.
    again = Client().get(path)
    assert again.status_code == 404
    assert "This invitation link doesn't work any more" in again.content.decode()
    replay = Client().post(path, {"password1": "another passphrase 42", "password2": "x"})
    assert replay.status_code == 404
    assert User.objects.get(email="nina@example.com").check_password(NEW_PASSWORD)

    assert "Joined" in org_admin_client.get(INVITE).content.decode()


def test_mismatched_passwords_are_refused_and_the_link_still_works(send_invitation):
    path = link_path(send_invitation())
    newcomer = Client()
    response = newcomer.post(path, {"password1": NEW_PASSWORD, "password2": "something else"})
    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    assert SESSION_KEY not in newcomer.session
    assert newcomer.get(path).status_code == 200


def test_a_weak_password_is_refused_with_the_validators_words(send_invitation):
    path = link_path(send_invitation())
    response = Client().post(path, {"password1": "password", "password2": "password"})
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.get(email="nina@example.com").has_usable_password()


def test_someone_who_is_not_an_org_admin_cannot_invite(member_client, smtp_server):
    before = state()
    assert member_client.get(INVITE).status_code == 403
    response = member_client.post(INVITE, {"display_name": "Eve", "email": "eve@example.com"})
    assert response.status_code == 403
    assert "Only org admins can do this." in response.content.decode()
    assert state() == before
    smtp_server.assert_nothing_sent()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(INVITE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_inviting_an_email_that_already_has_an_account_changes_nothing(
    org_admin_client, member, smtp_server, django_capture_on_commit_callbacks
):
    before = state()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = org_admin_client.post(
            INVITE, {"display_name": "Mia Again", "email": member.email.upper()}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone with this email already has an account." in html
    assert 'class="field field--error"' in html
    assert state() == before
    assert callbacks == []
    smtp_server.assert_nothing_sent()


def test_a_team_of_another_organisation_cannot_be_chosen(org_admin_client, other_org, smtp_server):
    foreign = TeamFactory(organization=other_org, name="Their team")
    before = state()
    response = org_admin_client.post(
        INVITE, {"display_name": "Nina", "email": "nina@example.com", "team": foreign.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert state() == before
    smtp_server.assert_nothing_sent()


def test_a_bad_email_address_gets_a_clear_error(org_admin_client):
    before = state()
    response = org_admin_client.post(INVITE, {"display_name": "Nina", "email": "not-an-email"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert state() == before


def test_an_expired_invitation_does_not_work(send_invitation, admin):
    path = link_path(send_invitation())
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        newcomer = Client()
        page = newcomer.get(path)
        assert page.status_code == 404
        assert "This invitation link doesn't work any more" in page.content.decode()
        response = newcomer.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 404
        assert SESSION_KEY not in newcomer.session
        # (a fresh session: the admin's own would have expired by now as well)
        assert "Expired" in client_for(admin).get(INVITE).content.decode()
    assert not User.objects.get(email="nina@example.com").has_usable_password()


def test_an_invitation_still_works_on_its_last_day(send_invitation):
    path = link_path(send_invitation())
    with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
        assert Client().get(path).status_code == 200


def test_a_made_up_token_opens_nothing(client):
    response = client.get(reverse("accounts:accept_invitation", args=["made-up"]))
    assert response.status_code == 404
    assert "doesn't work any more" in response.content.decode()


def test_names_reach_the_plain_text_email_unescaped(send_invitation):
    # Plain text is not HTML: "O'Neil & Co" must not arrive as "O&#x27;Neil &amp; Co".
    message = send_invitation(name="Nina O'Neil & Co")
    assert "Hello Nina O'Neil & Co," in message.text
    assert message.html is not None and "Nina O&#x27;Neil &amp; Co" in message.html


def test_sending_again_replaces_the_link_and_the_old_one_stops_working(
    org_admin_client, send_invitation, smtp_server
):
    first = send_invitation()
    invitation = Invitation.objects.get()
    response = org_admin_client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    assert response.status_code == 302
    second = smtp_server.wait_for_message(to="nina@example.com")
    assert link_path(second) != link_path(first)
    assert Client().get(link_path(first)).status_code == 404
    assert Client().get(link_path(second)).status_code == 200


def test_when_the_mail_server_is_down_the_person_is_added_and_the_admin_is_told(
    org_admin_client, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = org_admin_client.post(
        INVITE, {"display_name": "Nina New", "email": "nina@example.com"}, follow=True
    )
    assert response.status_code == 200
    assert "could not be sent just now" in response.content.decode()
    assert Person.objects.filter(user__email="nina@example.com").exists()


def test_an_accepted_invitation_cannot_be_sent_again(org_admin_client, send_invitation):
    message = send_invitation()
    Client().post(link_path(message), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    invitation = Invitation.objects.get()
    response = org_admin_client.post(
        reverse("accounts:invitation_resend", args=[invitation.pk]), follow=True
    )
    assert "already joined" in response.content.decode()
