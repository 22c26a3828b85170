"""Kudos in a real browser: thank two people with a value, the receiver sees it and
reacts, and a teammate whose help went unnoticed is thanked from the unsung page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from rapport.kudos.models import Kudos, KudosReaction, KudosValue
from rapport.ledger.kinds import Kind
from tests.factories import (
    InteractionFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    TeamFactory,
)

from .conftest import assert_accessible, screenshot
from .test_shell_flows import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme():
    org = OrganizationFactory(name="Acme", slug="acme")
    platform = TeamFactory(organization=org, name="Platform")
    design = TeamFactory(organization=org, name="Design")

    def person(name, team):
        someone = PersonFactory(organization=org, display_name=name)
        MembershipFactory(person=someone, team=team)
        return someone

    people = {
        "mia": person("Mia Member", platform),
        "priya": person("Priya Patel", platform),
        "jonas": person("Jonas Berg", platform),
        "sam": person("Sam Okafor", design),
    }
    KudosValue.objects.create(organization=org, name="Help first")
    KudosValue.objects.create(organization=org, name="Own it")
    return people


def give_thanks_page(page):
    # The sidebar's Kudos link is wired by the integrator (rapport/web/capabilities.py).
    page.goto("/kudos/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kudos")
    assert_accessible(page)
    page.get_by_role("link", name="Say thank you", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Say thank you")


def test_thanks_with_a_value_reach_the_receiver_who_reacts(new_page, acme):
    mia, priya, sam = acme["mia"], acme["priya"], acme["sam"]
    page = new_page()
    sign_in(page, mia.email)
    # Sam is in another team: the form lists teammates, so Mia starts from Sam's page.
    page.goto(reverse("people:detail", args=[sam.pk]))
    page.get_by_role("link", name="Thank Sam Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Say thank you")
    assert_accessible(page)
    page.get_by_label("Who would you like to thank?").select_option(
        label=["Priya Patel", "Sam Okafor"]
    )
    page.locator("#id_message").fill("Thank you both for untangling the release on Friday.")
    page.get_by_label("Tie it to one of our values (optional)").select_option(label="Help first")
    page.get_by_label("Everyone in the organisation").check()
    page.get_by_role("button", name="Send thanks").click()
    expect(page.get_by_role("status")).to_contain_text("Your thanks are on their way")
    expect(page.get_by_text("untangling the release")).to_be_visible()
    expect(page.get_by_text("Help first", exact=True)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "kudos-given-desktop")
    kudos = Kudos.objects.get()
    assert set(kudos.receivers.values_list("pk", flat=True)) == {priya.pk, sam.pk}

    # Sam finds it among the thanks they received and celebrates it, in place.
    receiver = new_page(phone=True)
    sign_in(receiver, sam.email)
    receiver.goto("/kudos/mine/?show=received")
    card = receiver.locator(f"#kudos-{kudos.pk}")
    expect(card).to_contain_text("Mia Member thanked Priya Patel and Sam Okafor")
    assert_accessible(receiver)
    receiver.evaluate("() => { window.__sameDocument = true }")
    celebrate = card.get_by_role("button", name="Celebrate")
    celebrate.click()
    expect(card.get_by_role("button", name="Celebrate: 1")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert receiver.evaluate("() => window.__sameDocument === true")
    assert KudosReaction.objects.filter(person=sam, kind="celebrate").exists()
    screenshot(receiver, "kudos-reacted-phone")

    # And replies on the kudos' own page.
    card.get_by_role("link", name=re.compile("Reply")).click()
    receiver.get_by_label("Your reply").fill("It was a team effort!")
    receiver.get_by_role("button", name="Reply", exact=True).click()
    expect(receiver.get_by_text("It was a team effort!")).to_be_visible()
    assert_accessible(receiver)


def test_a_refused_thank_you_says_why_and_keeps_what_was_typed(page, acme):
    sign_in(page, acme["mia"].email)
    give_thanks_page(page)
    page.locator("#id_message").fill("Thanks for everything!")
    page.get_by_role("button", name="Send thanks").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one person to thank.")
    expect(page.locator("#id_message")).to_have_value("Thanks for everything!")
    assert not Kudos.objects.exists()
    assert_accessible(page)


def test_an_unsung_teammate_is_thanked_in_one_click(page, acme):
    mia, jonas, priya, sam = acme["mia"], acme["jonas"], acme["priya"], acme["sam"]
    InteractionFactory(actor=jonas, other=mia, kind=Kind.HELPED)
    # Priya helped Sam: that is between the two of them, so not on Mia's list.
    InteractionFactory(actor=priya, other=sam, kind=Kind.HELPED)
    sign_in(page, mia.email)
    page.goto("/kudos/")
    page.get_by_role("link", name="Unsung teammates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unsung teammates")
    expect(page.get_by_text("Helped you recently")).to_be_visible()
    expect(page.get_by_text("Priya Patel")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, "kudos-unsung-desktop")
    page.get_by_role("link", name="Thank Jonas Berg").click()
    expect(page.get_by_label("Who would you like to thank?")).to_have_values([str(jonas.pk)])
    page.locator("#id_message").fill("Thanks for helping me with the build, quietly.")
    page.get_by_role("button", name="Send thanks").click()
    expect(page.get_by_role("status")).to_contain_text("Jonas Berg")
    page.goto("/kudos/unsung/")
    expect(
        page.get_by_text("Everyone on your teams who helped lately has been thanked")
    ).to_be_visible()


def test_an_admin_adds_a_value_and_a_daily_limit_that_members_then_meet(new_page, acme):
    from rapport.people.models import Person

    mia, priya = acme["mia"], acme["priya"]
    admin = PersonFactory(organization=mia.organization, display_name="Ada Admin")
    Person.objects.filter(pk=admin.pk).update(is_org_admin=True)

    page = new_page()
    sign_in(page, admin.email)
    page.goto("/kudos/")
    page.get_by_role("link", name="Our values").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our values")
    page.get_by_label("Value", exact=True).fill("Say it kindly")
    page.get_by_role("button", name="Add value").click()
    expect(page.get_by_role("status")).to_contain_text("“Say it kindly” is one of your values now.")
    page.get_by_role("button", name="Retire Own it").click()
    expect(page.get_by_role("status")).to_contain_text("“Own it” is retired")
    page.get_by_label("Most thank-yous one person may give in a day").fill("1")
    page.get_by_role("button", name="Save limit").click()
    expect(page.get_by_role("status")).to_contain_text("The daily limit is saved.")
    assert_accessible(page)

    member = new_page()
    sign_in(member, mia.email)
    give_thanks_page(member)
    values = member.get_by_label("Tie it to one of our values (optional)")
    expect(values.locator("option", has_text="Own it")).to_have_count(0)
    member.get_by_label("Who would you like to thank?").select_option(label="Priya Patel")
    member.locator("#id_message").fill("Thanks for the kind review of my first design doc.")
    values.select_option(label="Say it kindly")
    member.get_by_role("button", name="Send thanks").click()
    expect(member.get_by_role("status")).to_contain_text("Your thanks are on their way")
    expect(member.get_by_text("Say it kindly", exact=True)).to_be_visible()

    # A second thank-you the same day is over the limit: said plainly, nothing lost.
    give_thanks_page(member)
    member.get_by_label("Who would you like to thank?").select_option(label="Priya Patel")
    member.locator("#id_message").fill("And for the coffee!")
    member.get_by_role("button", name="Send thanks").click()
    expect(member.get_by_role("alert")).to_contain_text("Save this one for tomorrow.")
    expect(member.locator("#id_message")).to_have_value("And for the coffee!")
    assert Kudos.objects.filter(giver=mia).count() == 1
    assert Kudos.objects.get().receivers.get() == priya
