"""Pairing in a real browser: an admin creates a programme and starts a round; a member
sees their group, why they were matched and when everyone is free, and says they met."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rapport.ledger.models import Interaction
from rapport.pairing.models import GroupMember, Program
from rapport.people.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, TeamFactory

from .conftest import assert_accessible, screenshot
from .test_shell_flows import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme():
    org = OrganizationFactory(name="Acme", slug="acme")
    platform = TeamFactory(organization=org, name="Platform")
    design = TeamFactory(organization=org, name="Design")
    admin = PersonFactory(organization=org, display_name="Ada Admin", is_org_admin=True)
    MembershipFactory(person=admin, team=design, role=Membership.Role.LEAD)
    mia = PersonFactory(organization=org, display_name="Mia Member", location="London")
    MembershipFactory(person=mia, team=platform)
    sam = PersonFactory(
        organization=org, display_name="Sam Okafor", location="London", user__password=None
    )
    MembershipFactory(person=sam, team=design)
    return {"org": org, "admin": admin, "mia": mia, "sam": sam}


def test_an_admin_starts_a_round_and_a_member_says_they_met(new_page, acme):
    admin_page = new_page()
    sign_in(admin_page, acme["admin"].email)
    admin_page.goto("/pairing/")
    assert_accessible(admin_page)
    admin_page.get_by_role("link", name="New programme").click()
    assert_accessible(admin_page)
    admin_page.get_by_label("Name").fill("Tuesday coffee")
    admin_page.get_by_label("Group size").select_option("3")
    admin_page.get_by_label("Mix").select_option("any")
    admin_page.get_by_role("button", name="Create programme").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Tuesday coffee")
    admin_page.get_by_role("button", name="Start a round now").click()
    expect(admin_page.get_by_text(re.compile(r"Round announced: 1 group"))).to_be_visible()
    assert_accessible(admin_page)
    screenshot(admin_page, "pairing-program-admin")
    program = Program.objects.get()
    assert GroupMember.objects.filter(group__round__program=program).count() == 3

    page = new_page(phone=True)
    sign_in(page, acme["mia"].email)
    page.goto("/pairing/")
    expect(page.get_by_text(re.compile("Say hello to"))).to_be_visible()
    page.get_by_role("link", name="Open this round").click()
    assert_accessible(page)
    expect(page.get_by_text("Sam Okafor").first).to_be_visible()
    expect(page.get_by_text("Works in Design; you're in Platform.").first).to_be_visible()
    expect(page.get_by_role("heading", name="When you're all free")).to_be_visible()
    expect(page.locator(".suggested-times li").first).to_contain_text("for 30 minutes")
    screenshot(page, "pairing-round-phone")
    page.get_by_role("button", name="We met").click()
    expect(page.get_by_text("Lovely, thanks for telling us.")).to_be_visible()
    expect(page.get_by_text("You told us: We met")).to_be_visible()
    assert Interaction.objects.filter(kind="met").count() == 2


def test_a_member_keeps_a_private_dont_pair_list_and_snoozes(new_page, acme):
    page = new_page()
    sign_in(page, acme["mia"].email)
    page.goto("/pairing/preferences/")
    assert_accessible(page)
    page.get_by_label("Colleague").select_option(label="Sam Okafor")
    page.get_by_role("button", name="Add to my list").click()
    expect(page.get_by_text("Added. You won't be grouped together.")).to_be_visible()
    expect(page.locator("li", has_text="Sam Okafor")).to_be_visible()
    page.get_by_role("button", name="Remove Sam Okafor").click()
    expect(page.get_by_text("Removed from your list.")).to_be_visible()
