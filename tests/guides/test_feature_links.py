"""Each guide and its feature link to each other: every guide opens the page where its
practice lives, and the feature's main page has a "Read the guide" link back."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from rapport.guides.content import ORDER
from rapport.guides.selectors import guide_for

pytestmark = pytest.mark.django_db

#: Features whose main page links to their guide. The other capabilities' pages are
#: their own apps' to change (see the guides reviewer's report); add them here as they do.
LINKED_FROM_FEATURE = {
    "feed": "feed:home",
    "helpboard": "helpboard:home",
    "checkins": "checkins:home",
    "ask-dont-assume": "checkins:reach_out",
    "kudos": "kudos:home",
    "commitments": "commitments:home",
    "roadblocks": "roadblocks:home",
    "today": "today",
    "care": "care:home",
    "pairing": "pairing:home",
}


@pytest.mark.parametrize("slug", ORDER)
def test_every_guide_opens_the_page_of_its_feature(member_client, member, slug):
    guide = guide_for(viewer=member, slug=slug)
    assert guide is not None and guide.feature_url and guide.feature_name, slug
    assert member_client.get(guide.feature_url).status_code == 200
    html = member_client.get(reverse("guides:detail", args=[slug])).content.decode()
    assert f'href="{guide.feature_url}">Open {escape(guide.feature_name)}' in html


def test_asking_instead_of_assuming_opens_reach_out(member):
    guide = guide_for(viewer=member, slug="ask-dont-assume")
    assert guide is not None
    assert (guide.feature_url, guide.feature_name) == (reverse("checkins:reach_out"), "Reach out")


@pytest.mark.parametrize(("slug", "url_name"), sorted(LINKED_FROM_FEATURE.items()))
def test_the_feature_page_links_to_its_guide(member_client, member, team, slug, url_name):
    for url in (reverse(url_name), *_other_main_pages(slug, team)):
        html = member_client.get(url).content.decode()
        guide = reverse("guides:detail", args=[slug])
        assert f'<a href="{guide}">Read the guide</a>' in html, url


def _other_main_pages(slug: str, team) -> list[str]:
    """Pages that stand for the feature too: a team's own feed."""
    return [reverse("feed:team", args=[team.pk])] if slug == "feed" else []
