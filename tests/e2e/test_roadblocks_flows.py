"""Roadblocks in a real browser: Mia notes a tension with Sam, sees the tone coach flag the
opener and edits it, invites Sam to talk; Sam sees only the invitation and accepts; Mia
records that they talked it through."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.roadblocks.models import Roadblock, TalkInvitation
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, TeamFactory

from .conftest import assert_accessible, screenshot
from .test_shell_flows import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PRIVATE = "in Tuesday's planning my estimate was replaced without asking me"


@pytest.fixture
def people():
    org = OrganizationFactory(name="Acme", slug="acme")
    team = TeamFactory(organization=org, name="Platform")
    mia = PersonFactory(organization=org, display_name="Mia Member")
    sam = PersonFactory(organization=org, display_name="Sam Okafor")
    for person in (mia, sam):
        MembershipFactory(person=person, team=team)
    return mia, sam


def test_write_a_roadblock_edit_the_opener_invite_and_record_the_talk(new_page, people):
    mia, sam = people
    page = new_page()
    sign_in(page, mia.email)
    page.goto("/roadblocks/")
    assert_accessible(page)
    expect(page.get_by_text("Nothing noted yet")).to_be_visible()
    page.get_by_role("link", name="Note a roadblock").click()
    assert_accessible(page)
    page.get_by_label("Who is it with?").select_option(label="Sam Okafor")
    page.get_by_label("What happened?").fill(f"You always change plans: {PRIVATE}.")
    page.get_by_label("How did you feel?").fill("Overlooked")
    page.get_by_label("What do you need?").fill("to be asked before my estimates change")
    page.get_by_label("What will you ask for?").fill(
        "agree that estimates change with the estimator"
    )
    page.get_by_role("button", name="Save, privately").click()

    expect(page).to_have_url(re.compile(r"/roadblocks/\d+/$"))
    opener = page.get_by_label("How you could open the conversation")
    expect(opener).to_have_value(re.compile(r"^Hi Sam, I noticed you always change plans"))
    # The tone coach reads the drafted opener and flags the absolute.
    coach = page.locator("#id_opener-tone")
    expect(coach.locator('[data-kind="absolute"]')).to_be_visible()
    expect(coach.locator("mark", has_text="always")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "roadblock-opener-flagged")

    calmer = (
        "Hi Sam, in Tuesday's planning my estimate was changed before we spoke. "
        "I'd like to be asked first. Could we agree that estimates change with whoever made them?"
    )
    opener.fill(calmer)
    expect(coach.locator('[data-tone="clear"]')).to_be_visible()
    page.get_by_role("button", name="Save opener").click()
    expect(page.get_by_text("Your opener is saved.")).to_be_visible()
    expect(opener).to_have_value(calmer)

    message = page.get_by_label("Your invitation")
    message.fill("Sam, could we grab twenty minutes this week to talk about estimates?")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Your invitation is on its way to Sam Okafor")).to_be_visible()
    expect(page.get_by_text("No answer yet")).to_be_visible()

    # Sam sees the invitation, and nothing of Mia's notes.
    sam_page = new_page(phone=True)
    sign_in(sam_page, sam.email)
    sam_page.goto("/roadblocks/")
    sam_page.get_by_role("link", name="Mia Member").click()
    expect(sam_page.get_by_role("heading", level=1)).to_have_text(
        "Mia Member would like to talk with you"
    )
    expect(sam_page.get_by_text("could we grab twenty minutes")).to_be_visible()
    body = sam_page.content()
    assert PRIVATE not in body and "Overlooked" not in body and calmer not in body
    assert_accessible(sam_page)
    screenshot(sam_page, "talk-invitation-phone")
    sam_page.get_by_label("Yes, let's talk").check()
    sam_page.get_by_role("button", name="Send my answer").click()
    expect(sam_page.get_by_text("Mia Member will see your answer.")).to_be_visible()
    roadblock = Roadblock.objects.get()
    sam_page.goto(f"/roadblocks/{roadblock.pk}/")
    expect(sam_page.get_by_role("heading", level=1)).not_to_contain_text("roadblock")
    assert PRIVATE not in sam_page.content()

    # Mia sees the answer and records that they talked it through.
    page.reload()
    expect(page.get_by_text("They're up for a talk")).to_be_visible()
    page.get_by_label("We talked and it's resolved").check()
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Good to hear you talked it through.")).to_be_visible()
    assert TalkInvitation.objects.get().status == "accepted"
    assert Interaction.objects.filter(actor=mia, other=sam, kind=Kind.TALKED).count() == 1
    page.goto("/roadblocks/")
    expect(page.get_by_text("We talked and it's resolved")).to_be_visible()
    assert_accessible(page)
