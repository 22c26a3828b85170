"""The help board in a real browser: one person says they have capacity and which skills;
another asks for a hand; the first offers; the asker accepts, marks it done and is invited
to say thank you."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.helpboard.models import HelpRequest, RequestState
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from tests.factories import (
    PASSWORD,
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
    people = {}
    for key, name in [("mia", "Mia Member"), ("priya", "Priya Patel")]:
        people[key] = PersonFactory(organization=org, display_name=name)
        MembershipFactory(person=people[key], team=platform)
    return people


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_capacity_ask_offer_accept_done_and_thanks(new_page, acme):
    mia, priya = acme["mia"], acme["priya"]

    # Priya says she has room this week, and what she is good at.
    helper = new_page()
    sign_in(helper, priya.email)
    helper.goto("/help/")
    expect(helper.get_by_role("heading", level=1)).to_have_text("Help board")
    assert_accessible(helper)
    expect(helper.get_by_text("No open requests right now")).to_be_visible()
    helper.get_by_role("link", name="Update your week").click()
    assert_accessible(helper)
    helper.get_by_label("Have capacity this week").check()
    helper.get_by_label("Skills you can lend").fill("SQL, Data modelling")
    helper.get_by_role("button", name="Save your week").click()
    expect(helper.get_by_text("Your week on the help board is updated.")).to_be_visible()
    week = helper.get_by_role("region", name="Your week")
    expect(week.get_by_text("Have capacity this week")).to_be_visible()
    expect(week.get_by_role("link", name="data modelling")).to_be_visible()

    # Mia asks for a hand, on her phone.
    asker = new_page(phone=True)
    sign_in(asker, mia.email)
    asker.goto("/help/")
    asker.get_by_role("link", name="Ask for a hand", exact=True).click()
    assert_accessible(asker)
    asker.get_by_label("What do you need a hand with?").fill("Speed up the monthly report")
    asker.get_by_label("More detail").fill("It takes four minutes; probably an index.")
    asker.get_by_label("Skills that would help").fill("sql")
    asker.get_by_label("Roughly how much time?").select_option(label="About half a day")
    asker.get_by_label("Needed by").fill((timezone.now().date() + timedelta(days=4)).isoformat())
    asker.get_by_role("button", name="Post your request").click()
    expect(asker.get_by_text("Your request is on the board.")).to_be_visible()
    expect(asker.get_by_role("heading", level=1)).to_have_text("Speed up the monthly report")
    expect(asker.get_by_text("No offers yet")).to_be_visible()
    assert_accessible(asker)
    screenshot(asker, "helpboard-request-phone")

    # Priya sees it first, as a match for her skills, and offers.
    helper.goto("/help/")
    card = helper.locator("li.card").first
    expect(card).to_contain_text("Speed up the monthly report")
    expect(card).to_contain_text("Matches your skills")
    screenshot(helper, "helpboard-board-desktop")
    card.get_by_role("link", name="Speed up the monthly report").click()
    helper.get_by_label("A short note").fill("Free this afternoon, let's pair.")
    helper.get_by_role("button", name="Offer to help").click()
    expect(helper.get_by_text("Your offer is sent.")).to_be_visible()
    assert_accessible(helper)

    # Mia accepts, marks it done, and is invited to thank Priya.
    asker.reload()
    expect(asker.get_by_text("Free this afternoon, let's pair.")).to_be_visible()
    asker.get_by_role("button", name="Accept Priya Patel's offer").click()
    expect(asker.get_by_text("You accepted Priya Patel's offer.")).to_be_visible()
    asker.get_by_role("button", name="Mark done").click()
    expect(asker.get_by_text("Marked done.")).to_be_visible()
    thanks = asker.get_by_role("link", name="Thank Priya Patel")
    expect(thanks).to_be_visible()
    href = thanks.get_attribute("href") or ""
    assert f"?to={priya.pk}&message=" in href
    assert_accessible(asker)

    request = HelpRequest.objects.get()
    assert request.state == RequestState.DONE
    assert Interaction.objects.filter(kind=Kind.HELPED, actor=priya, other=mia).count() == 1

    # Priya's "Mine" tab shows the request she helped with.
    helper.goto("/help/?tab=mine")
    expect(helper.get_by_text("You're helping")).to_be_visible()
    assert_accessible(helper)


def test_a_challenge_reaches_teammates_with_room_and_asks_the_board_in_one_click(new_page, acme):
    mia, priya = acme["mia"], acme["priya"]
    sam = PersonFactory(organization=mia.organization, display_name="Sam Okafor")
    MembershipFactory(person=sam, team=mia.memberships.get().team)

    # Priya has room this week and knows SQL; Sam has room too, but wants no suggestions.
    helper = new_page()
    sign_in(helper, priya.email)
    helper.goto("/help/capacity/")
    helper.get_by_label("Have capacity this week").check()
    helper.get_by_label("Skills you can lend").fill("sql")
    helper.get_by_role("button", name="Save your week").click()
    expect(helper.get_by_text("Your week on the help board is updated.")).to_be_visible()
    quiet = new_page(phone=True)
    sign_in(quiet, sam.email)
    quiet.goto("/help/capacity/")
    quiet.get_by_label("Have capacity this week").check()
    quiet.get_by_label(re.compile("Don't suggest ways to help")).check()
    quiet.get_by_role("button", name="Save your week").click()
    expect(quiet.get_by_text("Your week on the help board is updated.")).to_be_visible()

    # Mia shares a challenge with her team, then asks the help board in one click.
    asker = new_page()
    sign_in(asker, mia.email)
    asker.goto("/feed/")
    asker.get_by_role("radio", name="Challenge").check()
    asker.get_by_label("What happened?").fill(
        "The monthly report takes four minutes\nProbably a missing index."
    )
    asker.get_by_label("Share with").select_option(label="Platform (team only)")
    asker.get_by_role("button", name="Share").click()
    asker.get_by_role("link", name="Ask for help with this").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text("Ask for a hand")
    expect(asker.get_by_label("What do you need a hand with?")).to_have_value(
        "The monthly report takes four minutes"
    )
    expect(asker.get_by_label("More detail")).to_have_value(
        "The monthly report takes four minutes\nProbably a missing index."
    )
    expect(asker.get_by_label("Who should see it?")).to_have_value("team")
    assert_accessible(asker)
    asker.get_by_label("Skills that would help").fill("sql")
    asker.get_by_label("Needed by").fill((timezone.now().date() + timedelta(days=3)).isoformat())
    asker.get_by_role("button", name="Post your request").click()
    expect(asker.get_by_text("Your request is on the board.")).to_be_visible()
    request = HelpRequest.objects.get()
    assert request.source_post is not None and request.source_post.author == mia
    asker.get_by_role("link", name="your challenge in Wins & challenges").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text("Challenge by Mia Member")
    expect(asker.get_by_text("Help asked")).to_be_visible()
    expect(asker.get_by_role("link", name="Ask for help with this")).to_have_count(0)
    assert_accessible(asker)
    screenshot(asker, "feed-challenge-help-asked")

    # Priya was told about the challenge, reads it, and finds the request first on her board.
    helper.goto("/inbox/")
    helper.get_by_role("link", name="Mia Member shared a challenge").click()
    expect(helper.get_by_role("heading", level=1)).to_have_text("Challenge by Mia Member")
    helper.get_by_role("link", name=re.compile("The monthly report takes four minutes")).click()
    expect(helper.get_by_role("heading", level=1)).to_have_text(
        "The monthly report takes four minutes"
    )
    expect(
        helper.get_by_role("link", name="Mia Member's challenge in Wins & challenges")
    ).to_be_visible()
    helper.goto("/help/")
    card = helper.locator("li.card").first
    expect(card).to_contain_text("The monthly report takes four minutes")
    expect(card).to_contain_text("Matches your skills")

    # Sam opted out: nothing in his inbox.
    quiet.goto("/inbox/")
    expect(quiet.get_by_role("heading", level=1)).to_be_visible()
    expect(quiet.get_by_role("link", name="Mia Member shared a challenge")).to_have_count(0)

    # Mia's week turns swamped: Priya hears, Sam doesn't.
    asker.goto("/help/capacity/")
    asker.get_by_role("radio", name="Swamped").check()
    asker.get_by_role("button", name="Save your week").click()
    expect(asker.get_by_text("Your week on the help board is updated.")).to_be_visible()
    helper.goto("/inbox/")
    expect(helper.get_by_role("link", name="Mia Member is swamped this week")).to_be_visible()
    assert_accessible(helper)
    quiet.goto("/inbox/")
    expect(quiet.get_by_role("link", name="Mia Member is swamped this week")).to_have_count(0)
