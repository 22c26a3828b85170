"""Guides in a real browser: a member reads a guide and comments; an org admin rewrites
the guide for the organisation, the member reads the new text, and the admin resets it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rapport.audit.models import AuditEvent
from rapport.guides.content import defaults
from rapport.guides.models import GuideComment
from tests.factories import OrganizationFactory, PersonFactory

from .conftest import assert_accessible, screenshot
from .test_shell_flows import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reading_commenting_and_an_admin_edit(new_page):
    org = OrganizationFactory(name="Acme", slug="acme")
    mia = PersonFactory(organization=org, display_name="Mia Member")
    ada = PersonFactory(organization=org, display_name="Ada Admin", is_org_admin=True)
    kudos = defaults()["kudos"]

    page = new_page(phone=True)
    sign_in(page, mia.email)
    page.goto("/guides/")
    assert_accessible(page)
    page.get_by_role("link", name=kudos.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(kudos.title)
    expect(page.get_by_role("heading", name="Why it matters")).to_be_visible()
    expect(page.get_by_role("link", name="Edit this guide")).to_have_count(0)
    assert_accessible(page)
    page.get_by_label("Your comment").fill("We close every retro with two minutes of thanks.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("your comment is posted")
    expect(page.locator("#comments")).to_contain_text("two minutes of thanks")
    screenshot(page, "guide-phone")
    assert GuideComment.objects.get().author == mia

    admin = new_page()
    sign_in(admin, ada.email)
    admin.goto("/guides/kudos/")
    admin.get_by_role("link", name="Edit this guide").click()
    assert_accessible(admin)
    admin.get_by_label("Title").fill("Kudos at Acme")
    admin.get_by_label("Guide", exact=True).fill(
        "## How we thank\n\n"
        "Every Friday, name **one person** who helped you and what it made possible."
    )
    admin.get_by_role("button", name="Save guide").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Kudos at Acme")
    expect(admin.get_by_text("Written for Acme by Ada Admin")).to_be_visible()
    assert AuditEvent.objects.filter(target_type="guideoverride", actor=ada).count() == 1

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kudos at Acme")
    expect(page.locator(".guide-body strong")).to_have_text("one person")
    expect(page.locator("#comments")).to_contain_text("two minutes of thanks")

    admin.get_by_role("link", name="Edit this guide").click()
    admin.get_by_role("button", name="Reset to default").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(kudos.title)
    assert_accessible(admin)


def test_a_feature_and_its_guide_link_to_each_other(new_page):
    org = OrganizationFactory(name="Acme", slug="acme")
    mia = PersonFactory(organization=org, display_name="Mia Member")
    page = new_page(phone=True)
    sign_in(page, mia.email)
    for feature, slug, name in (
        ("/help/", "helpboard", "Help board"),
        ("/feed/", "feed", "Wins & challenges"),
    ):
        page.goto(feature)
        page.get_by_role("link", name="Read the guide").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(defaults()[slug].title)
        assert_accessible(page)
        page.get_by_role("link", name=f"Open {name}").click()
        expect(page).to_have_url(re.compile(f"{feature}$"))
