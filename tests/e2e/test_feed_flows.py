"""Wins & challenges in a real browser: Mia shares a win that mentions Priya, Priya hears
about it in her inbox and replies, Mia reacts, filters the feed and edits her post."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rapport.feed.models import Post, Reply
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, TeamFactory

from .conftest import assert_accessible, screenshot
from .test_shell_flows import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme():
    org = OrganizationFactory(name="Acme", slug="acme")
    platform = TeamFactory(organization=org, name="Platform")
    design = TeamFactory(organization=org, name="Design")
    mia = PersonFactory(organization=org, display_name="Mia Member")
    priya = PersonFactory(organization=org, display_name="Priya Patel")
    sam = PersonFactory(organization=org, display_name="Sam Okafor")
    MembershipFactory(person=mia, team=platform)
    MembershipFactory(person=priya, team=platform)
    MembershipFactory(person=sam, team=design)
    return {"mia": mia, "priya": priya, "sam": sam, "platform": platform}


def test_a_win_with_a_mention_a_reply_and_filters(new_page, acme):
    mia, priya = acme["mia"], acme["priya"]
    page = new_page()
    sign_in(page, mia.email)
    page.goto("/feed/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wins & challenges")
    expect(page.get_by_text("Nothing shared here yet")).to_be_visible()
    assert_accessible(page)

    # A win for everyone, thanking Priya by name.
    page.get_by_role("radio", name="Win").check()
    page.get_by_label("What happened?").fill(
        "Search is fast again. Thank you @Priya Patel for the index!"
    )
    page.get_by_label("Share with").select_option(label="Everyone at Acme")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("status")).to_contain_text("Shared")
    post = page.locator("article.feed-post").first
    expect(post.get_by_role("link", name="@Priya Patel")).to_have_attribute(
        "href", f"/people/{priya.pk}/"
    )
    # A challenge for the team only; an empty one is explained, not saved.
    page.get_by_role("radio", name="Challenge").check()
    page.get_by_label("What happened?").fill("   ")
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("alert").first).to_contain_text("can't be empty")
    page.get_by_role("radio", name="Challenge").check()
    page.get_by_label("What happened?").fill("The import keeps timing out on big files.")
    page.get_by_label("Share with").select_option(label="Platform (team only)")
    page.get_by_role("button", name="Share").click()
    expect(page.locator("article.feed-post")).to_have_count(2)
    expect(page.get_by_role("link", name="Ask for help with this")).to_have_count(1)
    assert_accessible(page)
    screenshot(page, "feed-home-desktop")

    # Priya hears about the mention and replies from the post's page.
    other = new_page(phone=True)
    sign_in(other, priya.email)
    other.goto("/inbox/")
    other.get_by_role("link", name="Mia Member mentioned you in a win").click()
    expect(other).to_have_url(re.compile(r"/feed/posts/\d+/$"))
    expect(other.get_by_role("heading", level=1)).to_have_text("Win by Mia Member")
    assert_accessible(other)
    other.get_by_label("Your reply").fill("Happy to help, it was a fun one.")
    other.get_by_role("button", name="Reply", exact=True).click()
    expect(other.get_by_role("status")).to_contain_text("Your reply is posted.")
    expect(other.locator(".feed-replies")).to_contain_text("Happy to help, it was a fun one.")
    # A reaction updates in place.
    other.get_by_role("button", name="Celebrate: 0").click()
    expect(other.get_by_role("button", name="Celebrate: 1")).to_have_attribute(
        "aria-pressed", "true"
    )
    screenshot(other, "feed-post-phone")
    assert Reply.objects.get().author == priya

    # Mia sees the reply count, and filters the feed by kind.
    page.goto("/feed/")
    win = page.locator("article.feed-post", has_text="Search is fast again")
    expect(win.get_by_role("link", name=re.compile("1 reply"))).to_be_visible()
    filters = page.get_by_role("navigation", name="Show")
    filters.get_by_role("link", name="Challenges").click()
    expect(page.locator("article.feed-post")).to_have_count(1)
    expect(page.locator("article.feed-post")).to_contain_text("import keeps timing out")
    filters = page.get_by_role("navigation", name="Show")
    filters.get_by_role("link", name="Wins").click()
    expect(page.locator("article.feed-post")).to_have_count(1)
    expect(page.locator("article.feed-post")).to_contain_text("Search is fast again")
    assert_accessible(page)

    # Mia edits her win.
    page.locator("article.feed-post").get_by_role("link", name="Edit your post").click()
    assert_accessible(page)
    page.get_by_label("Your post").fill("Search is fast again. Thanks @Priya Patel!")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your post is updated.")
    assert Post.objects.get(kind="win").body == "Search is fast again. Thanks @Priya Patel!"
