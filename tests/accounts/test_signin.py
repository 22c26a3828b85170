"""Signing in and out through allauth, as a person would: password, one-time code sent by
real email, password reset by emailed link, throttling, and no public sign-up."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from rapport.accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


def sign_in(client: Client, email: str, password: str):
    return client.post(LOGIN, {"login": email, "password": password})


def is_signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_rapports_sign_in_templates_win_over_allauths_own():
    origin = get_template("account/login.html").origin.name
    assert "rapport/accounts/templates" in origin, (
        f"account/login.html comes from {origin}: the app template loader searches apps in "
        "INSTALLED_APPS order, so 'rapport.accounts' must come before 'allauth'"
    )


# --- password -------------------------------------------------------------------------


def test_the_sign_in_page_uses_rapport_words_and_offers_a_code(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Sign in to Rapport</h1>" in html
    assert "There is no public sign-up" in html
    assert reverse("account_request_login_code") in html
    assert reverse("account_reset_password") in html
    assert 'for="id_login"' in html
    assert 'for="id_password"' in html


def test_a_person_signs_in_with_email_and_password_and_lands_on_today(client, member):
    response = sign_in(client, member.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    today = client.get("/")
    assert today.status_code == 200
    assert "Good to see you, Mia Member" in today.content.decode()


def test_the_email_is_matched_whatever_its_case(client, member):
    response = sign_in(client, member.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_wrong_password_gets_a_clear_error_and_no_session(client, member):
    response = sign_in(client, member.email, "not the password")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="form-errors" role="alert"' in html
    assert "email address and/or password you specified are not correct" in html
    assert not is_signed_in(client)


def test_an_empty_form_says_what_is_missing(client):
    response = client.post(LOGIN, {"login": "", "password": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_repeated_failed_sign_ins_are_throttled_with_a_clear_message(client, member, lead):
    # The project's limit is 5 failures per 5 minutes per email (and 10/min per address).
    for _ in range(5):
        response = sign_in(client, member.email, "guess")
        assert "not correct" in response.content.decode()
    throttled = sign_in(client, member.email, "guess")
    assert throttled.status_code == 200
    assert "Too many failed login attempts. Try again later." in throttled.content.decode()
    # While throttled, even the right password is refused: that is the point of the limit.
    right = sign_in(client, member.email, PASSWORD)
    assert right.status_code == 200
    assert "Too many failed login attempts" in right.content.decode()
    assert not is_signed_in(client)
    # Another person's account is not locked by someone guessing at this one.
    assert sign_in(Client(), lead.email, PASSWORD).status_code == 302


def test_a_flood_of_sign_in_requests_gets_a_friendly_429_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [client.post(LOGIN, {}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    page = client.post(LOGIN, {})
    assert page.status_code == 429
    html = page.content.decode()
    assert "Too many attempts" in html
    assert '<main id="main"' in html


# --- one-time code over real SMTP ----------------------------------------------------

CODE_LINE = re.compile(r"^\s{4}(\S+)\s*$", re.MULTILINE)


def request_code(client: Client, email: str):
    return client.post(reverse("account_request_login_code"), {"email": email})


def test_sign_in_with_a_one_time_code_sent_by_email(client, member, smtp_server):
    response = request_code(client, member.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Check your email" in page.content.decode()

    message = smtp_server.wait_for_message(to=member.email)
    assert message.subject == "Rapport: Your sign-in code"
    assert message.message["From"] == "Rapport <rapport@localhost>"
    code = CODE_LINE.search(message.text).group(1)
    assert message.html is not None and code in message.html

    confirmed = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert confirmed.status_code == 302
    assert is_signed_in(client)
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_error(client, member, smtp_server):
    request_code(client, member.email)
    smtp_server.wait_for_message(to=member.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG-CODE"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not is_signed_in(client)


def test_a_code_request_for_an_unknown_address_reveals_nothing_and_explains_by_email(
    client, smtp_server
):
    response = request_code(client, "stranger@example.com")
    # Same answer as for a known address, so nobody can probe who has an account…
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    # …but the owner of the address learns why no code came, in our words.
    message = smtp_server.wait_for_message(to="stranger@example.com")
    assert "no Rapport account for this address" in message.text
    assert "no public sign-up" in message.text
    assert not CODE_LINE.search(message.text)


# --- password reset over real SMTP ---------------------------------------------------


def test_password_reset_by_emailed_link_and_the_new_password_works(client, member, smtp_server):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")

    message = smtp_server.wait_for_message(to=member.email)
    assert message.subject == "Rapport: Choose a new password"
    [link] = message.links()
    assert message.html is not None and link in message.html

    # allauth moves the key from the URL into the session, then shows the form.
    form_page = client.get(path_of(link), follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    form_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path_of(link)
    new_password = "a brand new tolerable passphrase"
    done = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")

    assert sign_in(Client(), member.email, PASSWORD).status_code == 200  # old one is gone
    assert sign_in(Client(), member.email, new_password).status_code == 302

    # The link was for one use only.
    again = Client().get(path_of(link), follow=True)
    assert "This link doesn't work any more" in again.content.decode()


def test_a_weak_new_password_is_refused(client, member, smtp_server):
    client.post(reverse("account_reset_password"), {"email": member.email})
    [link] = smtp_server.wait_for_message(to=member.email).links()
    form_page = client.get(path_of(link), follow=True)
    form_url = form_page.redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)


# --- sign-out and sign-up ------------------------------------------------------------


def test_sign_out_needs_a_post(member_client):
    confirm = member_client.get(reverse("account_logout"))
    assert confirm.status_code == 200
    assert "Sign out of Rapport?" in confirm.content.decode()
    assert is_signed_in(member_client)  # a GET (a link, a prefetch) never signs anyone out

    response = member_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not is_signed_in(member_client)
    assert member_client.get("/").status_code == 302


def test_every_page_offers_sign_out_as_a_form_post(member_client):
    html = member_client.get("/").content.decode()
    assert f'<form method="post" action="{reverse("account_logout")}">' in html


def test_public_sign_up_is_closed_and_says_how_people_arrive(client):
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rapport is invitation-only" in html
    assert "invitation" in html and "roster" in html

    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "Rapport is invitation-only" in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    assert not is_signed_in(client)


# --- choosing and changing a password once signed in ---------------------------------


def test_someone_added_from_the_roster_signs_in_by_code_then_chooses_a_password(
    client, member, smtp_server
):
    member.user.set_unusable_password()
    member.user.save(update_fields=["password"])
    request_code(client, member.email)
    code = CODE_LINE.search(smtp_server.wait_for_message(to=member.email).text).group(1)
    assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302

    page = client.get(reverse("account_set_password"))
    assert page.status_code == 200
    assert "<h1>Choose a password</h1>" in page.content.decode()
    chosen = "my very own passphrase"
    response = client.post(
        reverse("account_set_password"), {"password1": chosen, "password2": chosen}
    )
    assert response.status_code == 302
    assert sign_in(Client(), member.email, chosen).status_code == 302


def test_a_signed_in_person_changes_their_password(member_client, member):
    page = member_client.get(reverse("account_change_password"))
    assert "<h1>Change your password</h1>" in page.content.decode()
    wrong = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": "nope", "password1": "x" * 3, "password2": "x" * 3},
    )
    assert wrong.status_code == 200
    assert "Please type your current password." in wrong.content.decode()

    new_password = "a fresher passphrase 2025"
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    assert sign_in(Client(), member.email, new_password).status_code == 302


def test_people_cannot_add_or_switch_sign_in_addresses_themselves(member_client):
    assert member_client.get("/accounts/email/").status_code == 404
    assert (
        member_client.post(
            "/accounts/email/", {"email": "x@evil.example", "action_add": ""}
        ).status_code
        == 404
    )
