"""Check-ins in a real browser: check in with a mood and a note, change who sees it, look
back at the history; check in on a colleague, who replies privately."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.checkins.models import CheckIn, CheckOn, CheckOnReply
from rapport.ledger.kinds import Kind
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
    org = OrganizationFactory(name="Acme", slug="acme")
    platform = TeamFactory(organization=org, name="Platform")
    mia = PersonFactory(organization=org, display_name="Mia Member")
    sam = PersonFactory(organization=org, display_name="Sam Okafor")
    for person in (mia, sam):
        MembershipFactory(person=person, team=platform)
    now = timezone.now()
    # Mia and Sam used to meet often, and haven't for a month.
    for days in (100, 90, 80, 70, 30):
        InteractionFactory(actor=mia, other=sam, kind=Kind.MET, occurred_at=now - timedelta(days))
    return {"org": org, "team": platform, "mia": mia, "sam": sam}


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_a_member_checks_in_changes_sharing_and_sees_the_history(page, acme):
    sign_in(page, acme["mia"].email)
    page.goto("/checkins/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in")
    assert_accessible(page)
    page.get_by_label("4 · Good").check()
    page.get_by_label("What's really going on? (optional)").fill("Good pairing this morning")
    page.get_by_label("My teams see my mood and note").check()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Thanks for checking in.")).to_be_visible()
    expect(page.get_by_label("4 · Good")).to_be_checked()
    assert CheckIn.objects.get().visibility == "team_note"

    # Change my mind: keep it to myself after all.
    page.get_by_label("Only me").check()
    page.get_by_role("button", name="Update my check-in").click()
    expect(page.get_by_text("Your check-in for today is updated.")).to_be_visible()
    checkin = CheckIn.objects.get()
    assert (checkin.mood, checkin.visibility) == (4, "private")
    screenshot(page, "checkins-home")

    page.get_by_role("link", name="See the last 90 days and your notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My check-ins")
    assert_accessible(page)
    expect(page.locator("svg.mood-chart rect")).to_have_count(1)
    page.get_by_text("The same days as a table").click()
    expect(page.get_by_role("cell", name="4 · Good")).to_be_visible()
    expect(page.get_by_text("Good pairing this morning")).to_be_visible()
    page.get_by_label("Who may see it").select_option("team_mood")
    page.get_by_role("button", name="Save sharing").click()
    expect(page.get_by_text("is now: my teams see my mood.")).to_be_visible()
    assert CheckIn.objects.get().visibility == "team_mood"


def test_the_history_works_on_a_phone(phone_page, acme):
    sign_in(phone_page, acme["mia"].email)
    phone_page.goto("/checkins/history/")
    assert_accessible(phone_page)
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375 + 1


def test_a_member_checks_in_on_a_colleague_who_replies(new_page, acme):
    mia_page = new_page()
    sign_in(mia_page, acme["mia"].email)
    mia_page.goto("/checkins/")
    expect(mia_page.get_by_text("You used to talk often")).to_be_visible()
    mia_page.get_by_role("link", name="Check in on Sam Okafor").click()
    expect(mia_page.get_by_role("heading", level=1)).to_have_text("Check in on Sam Okafor")
    assert_accessible(mia_page)
    mia_page.get_by_role("link", name="You've seemed quieter").click()
    message = mia_page.locator("#id_message")
    expect(message).to_have_value(re.compile(r"^Hi Sam, you've seemed a bit quieter"))
    message.fill("Hi Sam, you've seemed quieter this week. Everything okay? Coffee on me.")
    mia_page.get_by_role("button", name="Send to Sam Okafor").click()
    expect(mia_page.get_by_role("heading", level=1)).to_have_text("You and Sam Okafor")
    expect(mia_page.get_by_text("Everything okay? Coffee on me.")).to_be_visible()
    thread = CheckOn.objects.get()

    sam_page = new_page()
    sign_in(sam_page, acme["sam"].email)
    sam_page.goto("/inbox/")
    sam_page.get_by_role("link", name=re.compile("Mia Member checked in on you")).first.click()
    expect(sam_page).to_have_url(re.compile(rf"/checkins/messages/{thread.pk}/"))
    expect(sam_page.get_by_role("heading", level=1)).to_have_text("You and Mia Member")
    assert_accessible(sam_page)
    sam_page.get_by_label("Your message").fill(
        "Thanks for asking. Tough week, coffee sounds great."
    )
    sam_page.get_by_role("button", name="Send reply").click()
    expect(sam_page.get_by_text("Your reply is sent, just to them.")).to_be_visible()
    assert CheckOnReply.objects.get().author == acme["sam"]

    mia_page.goto("/checkins/messages/")
    assert_accessible(mia_page)
    expect(mia_page.get_by_text("1 reply")).to_be_visible()
    mia_page.get_by_role("link", name="You checked in on Sam Okafor").click()
    expect(mia_page.get_by_text("Tough week, coffee sounds great.")).to_be_visible()


def test_a_lead_sees_what_the_team_shared_and_weekly_figures_never_a_private_check_in(page, acme):
    from datetime import date

    from rapport.checkins.services import checkin_save, local_day
    from rapport.people.models import Membership
    from tests.checkins.factories import CheckInFactory

    team = acme["team"]
    lee = PersonFactory(organization=acme["org"], display_name="Lee Lead")
    MembershipFactory(person=lee, team=team, role=Membership.Role.LEAD)
    checkin_save(person=acme["sam"], mood=2, note="Rough week, keeping it to myself")
    checkin_save(person=acme["mia"], mood=5, note="Shipped it!", visibility="team_note")
    # Five people checked in last week: enough for that week's figure.
    today = local_day(person=lee)
    last_week = today - timedelta(days=today.weekday() + 5)
    for n in range(5):
        mate = PersonFactory(organization=acme["org"], display_name=f"Mate {n}")
        MembershipFactory(person=mate, team=team)
        CheckInFactory(person=mate, day=last_week, mood=3 + n % 2)
    assert last_week < today and isinstance(last_week, date)

    sign_in(page, lee.email)
    page.goto("/checkins/")
    page.get_by_role("link", name="How Platform is doing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How Platform is doing")
    assert_accessible(page)
    shared = page.get_by_role("region", name=re.compile("Shared in the last"))
    expect(shared).to_contain_text("Mia Member")
    expect(shared).to_contain_text("Shipped it!")
    expect(page.get_by_text("Sam Okafor")).to_have_count(0)
    expect(page.get_by_text("keeping it to myself")).to_have_count(0)
    figures = page.get_by_role("region", name="The team's mood, week by week")
    expect(figures).to_contain_text("3.4 of 5")
    expect(figures).to_contain_text("Not shown, so that no one can be singled out.")
    screenshot(page, "checkins-team-lead")
