"""Commitments in a real browser: make a promise to a colleague, move its date early, the
colleague confirms it's done; ask someone for something and they accept."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rapport.commitments.models import Commitment
from rapport.commitments.states import Outcome, State
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

    def person(name):
        someone = PersonFactory(organization=org, display_name=name)
        MembershipFactory(person=someone, team=platform)
        return someone

    return {
        "mia": person("Mia Member"),
        "priya": person("Priya Patel"),
        "sam": person("Sam Okafor"),
    }


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def local_day(days: int, person) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days), person.tz).date().isoformat()


def test_a_promise_is_made_renegotiated_early_and_confirmed(new_page, acme):
    mia, priya = acme["mia"], acme["priya"]
    page = new_page()
    sign_in(page, mia.email)
    page.goto("/commitments/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Commitments")
    expect(page.get_by_text("No promises on the go")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Make a promise").click()
    assert_accessible(page)
    page.get_by_label("I'll do this").fill("send Priya the interview notes")
    page.get_by_label("For", exact=True).select_option(label="Priya Patel")
    page.get_by_label("Due date").fill(local_day(2, mia))
    page.get_by_label("Due time").fill("15:00")
    page.get_by_role("button", name="Promise").click()
    expect(page.get_by_role("status")).to_contain_text("Promise made")
    expect(page.get_by_role("heading", level=1)).to_have_text("send Priya the interview notes")
    assert_accessible(page)

    # Something came up: move the date, early, with a word of why.
    page.get_by_text("Renegotiate the date").click()
    page.get_by_label("New due date").fill(local_day(4, mia))
    page.get_by_label("New due time").fill("11:00")
    page.get_by_label("A short message").fill("The last interview moved to Thursday.")
    page.get_by_role("button", name="Save the new date").click()
    expect(page.get_by_role("status")).to_contain_text("New date saved")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("The last interview moved to Thursday.")
    expect(history.get_by_text("early", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "commitment-renegotiated-desktop")

    # Priya sees it promised to her and confirms it's done.
    other = new_page(phone=True)
    sign_in(other, priya.email)
    other.goto("/commitments/?tab=to_me")
    assert_accessible(other)
    other.get_by_role("link", name="send Priya the interview notes").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("send Priya the interview notes")
    other.get_by_role("button", name="Confirm it's done").click()
    expect(other.get_by_role("status")).to_contain_text("Confirmed as done")
    expect(other.locator(".card").first).to_contain_text("after an early new date")
    assert_accessible(other)
    screenshot(other, "commitment-confirmed-phone")

    c = Commitment.objects.get()
    assert (c.state, c.outcome) == (State.DONE, Outcome.RENEGOTIATED_EARLY)
    kinds = set(Interaction.objects.filter(actor=mia, other=priya).values_list("kind", flat=True))
    assert kinds == {Kind.COMMITMENT_RENEGOTIATED, Kind.COMMITMENT_KEPT}

    # Mia's record shows it.
    page.goto("/commitments/record/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My follow-through")
    expect(page.locator(".record-figures")).to_contain_text("100%")
    assert_accessible(page)


def test_asking_someone_and_they_accept(new_page, acme):
    mia, sam = acme["mia"], acme["sam"]
    page = new_page()
    sign_in(page, mia.email)
    page.goto("/commitments/")
    page.get_by_role("link", name="Ask someone").click()
    page.get_by_label("Ask", exact=True).select_option(label="Sam Okafor")
    page.get_by_label("Could you…").fill("look over my conference slides")
    page.get_by_label("Due date").fill(local_day(3, mia))
    page.get_by_label("Due time").fill("10:00")
    assert_accessible(page)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Asked")
    expect(page.locator(".card").first).to_contain_text("Waiting for an answer")

    other = new_page()
    sign_in(other, sam.email)
    other.goto("/commitments/")
    other.get_by_role("link", name=re.compile("Asked of me")).click()
    expect(other).to_have_url(re.compile(r"tab=asked"))
    other.get_by_role("link", name="look over my conference slides").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("look over my conference slides")
    assert_accessible(other)
    other.get_by_text("Accept", exact=True).first.click()
    other.get_by_role("button", name="Accept", exact=True).click()
    expect(other.get_by_role("status")).to_contain_text("Accepted")
    assert_accessible(other)

    other.goto("/commitments/")
    expect(other.get_by_role("link", name="look over my conference slides")).to_be_visible()
    page.reload()
    expect(page.locator(".card").first).to_contain_text("Open")
    assert Commitment.objects.get().state == State.OPEN
