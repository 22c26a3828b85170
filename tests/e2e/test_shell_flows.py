"""The shell in a real browser: sign in, find your way, search, save settings, sign out,
the phone menu, and an invitation from the admin's click to the newcomer's first page."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.ledger.kinds import Kind
from rapport.people.models import Membership, Person
from rapport.web.capabilities import CAPABILITIES
from tests.factories import (
    PASSWORD,
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    TeamFactory,
)

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme():
    """A small, believable organisation; Mia is the member who signs in."""
    org = OrganizationFactory(name="Acme", slug="acme")
    platform = TeamFactory(organization=org, name="Platform")
    design = TeamFactory(organization=org, name="Design")

    def person(name, team, **extra):
        someone = PersonFactory(organization=org, display_name=name, **extra)
        MembershipFactory(person=someone, team=team)
        return someone

    mia = person("Mia Member", platform, title="Backend engineer", location="Leeds")
    colleagues = [
        person("Priya Patel", platform, title="Product manager", location="London"),
        person("Sam Okafor", design, title="Designer", location="Lagos"),
        person("Jonas Berg", platform, title="Site reliability", location="Oslo"),
        person("Lucía Romero", design, title="Researcher", location="Madrid"),
    ]
    now = timezone.now()
    for days, other, kind in [
        (1, colleagues[0], Kind.HELPED),
        (2, colleagues[0], Kind.KUDOS),
        (3, colleagues[1], Kind.MET),
        (9, colleagues[2], Kind.KUDOS),
        (20, colleagues[3], Kind.REPLIED),
    ]:
        InteractionFactory(actor=mia, other=other, kind=kind, occurred_at=now - timedelta(days))
    admin = PersonFactory(organization=org, display_name="Ada Admin", is_org_admin=True)
    return {"org": org, "platform": platform, "mia": mia, "admin": admin}


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_a_member_signs_in_finds_their_way_searches_saves_settings_and_signs_out(page, acme):
    mia = acme["mia"]
    sign_in(page, mia.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Mia Member")
    expect(page.get_by_text("Priya Patel").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "today-desktop")

    # Every capability, and the personal pages, are one click away in the sidebar.
    nav = page.get_by_role("navigation", name="Main")
    names = [c.name for c in CAPABILITIES] + ["People", "Teams", "Settings", "API tokens", "Today"]
    for name in names:
        nav.get_by_role("link", name=name, exact=True).click()
        link = nav.get_by_role("link", name=name, exact=True)
        expect(link).to_have_attribute("aria-current", "page")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    # A member sees no people-team pages.
    expect(nav.get_by_role("link", name="Invitations")).to_have_count(0)

    # The directory searches as you type, without loading a new page.
    nav.get_by_role("link", name="People", exact=True).click()
    results = page.locator("#directory-results")
    expect(results.get_by_role("link", name="Sam Okafor")).to_be_visible()
    page.evaluate("() => { window.__sameDocument = true }")
    page.get_by_label("Search people").press_sequentially("pri", delay=40)
    expect(results.get_by_role("link", name="Priya Patel")).to_be_visible()
    expect(results.get_by_role("link", name="Sam Okafor")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/people/\?q=pri$"))
    assert page.evaluate("() => window.__sameDocument === true"), "the search reloaded the page"
    page.get_by_label("Search people").fill("nobody-by-this-name")
    expect(results).to_contain_text("Nobody matches")
    assert page.evaluate("() => window.__sameDocument === true")
    assert_accessible(page)

    # Settings: a new time zone is saved and confirmed.
    nav.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_label("Time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Your settings are saved.")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    assert Person.objects.get(pk=mia.pk).time_zone == "Asia/Tokyo"
    assert_accessible(page)

    # Signing out is a form post from the top bar; afterwards Today asks to sign in again.
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("status")).to_contain_text("signed out")
    assert_accessible(page)
    page.goto("/settings/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/settings/"))


def test_a_wrong_password_in_the_browser_gets_a_clear_message(page, acme):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(acme["mia"].email)
    page.get_by_label("Password", exact=True).fill("not it")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    assert_accessible(page)
    screenshot(page, "sign-in-error-desktop")


def test_a_member_signs_in_with_a_one_time_code_from_their_email(page, acme, smtp_server):
    mia = acme["mia"]
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Email me a sign-in code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with a one-time code")
    assert_accessible(page)
    page.get_by_label("Email").fill(mia.email)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)
    screenshot(page, "sign-in-code-desktop")

    message = smtp_server.wait_for_message(to=mia.email)
    code = re.search(r"^\s{4}(\S+)\s*$", message.text, re.MULTILINE).group(1)
    page.get_by_label("Sign-in code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Good to see you, Mia Member")


def test_the_menu_works_at_phone_width(phone_page, acme):
    page = phone_page
    page.goto("/accounts/login/")
    screenshot(page, "sign-in-phone")
    sign_in(page, acme["mia"].email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    # Nothing may make a phone scroll sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(page, "today-phone")

    menu = page.locator("details.navbox")
    toggle = menu.locator("summary")
    nav = page.get_by_role("navigation", name="Main")
    expect(toggle).to_be_visible()
    if menu.get_attribute("open") is not None:  # start from a closed menu either way
        toggle.click()
    expect(nav.get_by_role("link", name="People", exact=True)).to_be_hidden()
    toggle.click()
    expect(nav.get_by_role("link", name="People", exact=True)).to_be_visible()
    nav.get_by_role("link", name="People", exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert_accessible(page)


def test_an_invitation_from_the_admins_click_to_the_newcomers_first_page(
    new_page, acme, smtp_server, settings, live_server
):
    # Links in emails are built from SITE_URL; here the site is the live server.
    settings.SITE_URL = live_server.url
    admin_page = new_page()
    sign_in(admin_page, acme["admin"].email)
    nav = admin_page.get_by_role("navigation", name="Main")
    for name in ["Members & roles", "Roster import", "Invitations"]:  # the people-team pages
        nav.get_by_role("link", name=name, exact=True).click()
        expect(nav.get_by_role("link", name=name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        assert_accessible(admin_page)
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Invite someone")
    assert_accessible(admin_page)
    admin_page.get_by_label("Name").fill("Nina New")
    admin_page.get_by_label("Email").fill("nina@example.com")
    admin_page.get_by_label("Team").select_option(label="Platform")
    admin_page.get_by_role("button", name="Send invitation").click()
    expect(admin_page.get_by_role("status")).to_contain_text("Invitation sent to nina@example.com")
    expect(admin_page.get_by_role("cell", name=re.compile("Nina New"))).to_be_visible()

    message = smtp_server.wait_for_message(to="nina@example.com")
    assert {"text/plain", "text/html"} <= set(message.content_types())
    [link] = message.links()
    assert link.startswith(live_server.url)

    newcomer = new_page()
    newcomer.goto(urlsplit(link).path)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Welcome, Nina New")
    assert_accessible(newcomer)
    newcomer.get_by_label("Choose a password").fill("a long and friendly passphrase")
    newcomer.get_by_label("The same password again").fill("a long and friendly passphrase")
    newcomer.get_by_role("button", name="Join").click()
    expect(newcomer).to_have_url(re.compile(r"/$"))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Good to see you, Nina New")
    expect(newcomer.get_by_role("status")).to_contain_text("Welcome to Acme!")
    assert_accessible(newcomer)
    nina = Person.objects.get(user__email="nina@example.com")
    assert Membership.objects.filter(person=nina, team=acme["platform"]).exists()

    # The link was for one use.
    newcomer.goto(urlsplit(link).path)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(
        "This invitation link doesn't work any more"
    )
