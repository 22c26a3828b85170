"""The guides' pages: reading, commenting, and the admins' editor, through HTTP."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from rapport.audit.models import AuditEvent
from rapport.guides import services
from rapport.guides.content import defaults
from rapport.guides.models import MAX_COMMENT, GuideComment, GuideOverride
from rapport.web.capabilities import capability_url
from tests.factories import PersonFactory

from ..conftest import client_for

pytestmark = pytest.mark.django_db


def _detail(slug="kudos"):
    return reverse("guides:detail", args=[slug])


def test_the_list_shows_every_guide_with_comment_counts(member_client, member):
    services.comment_create(author=member, slug="kudos", body="Works for us")
    response = member_client.get(reverse("guides:home"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    for guide in defaults().values():
        assert escape(guide.title) in html
    assert "1 comment" in html


def test_a_guide_page_renders_its_text_and_links_to_its_feature(member_client):
    html = member_client.get(_detail("feed")).content.decode()
    assert "<h2>Why it matters</h2>" in html
    assert f'href="{capability_url("feed")}">Open Wins &amp; challenges' in html
    assert "Edit this guide" not in html
    assert member_client.get(_detail("no-such-guide")).status_code == 404


def test_commenting_with_limits(member_client, member):
    url = reverse("guides:comment_create", args=["kudos"])
    response = member_client.post(url, {"body": "  We thank people in stand-up  "})
    assert response.status_code == 302
    assert GuideComment.objects.get().body == "We thank people in stand-up"
    assert member_client.post(url, {"body": " "}).status_code == 422
    too_long = member_client.post(url, {"body": "x" * (MAX_COMMENT + 1)})
    assert too_long.status_code == 422 and "at most 2000" in too_long.content.decode()
    assert GuideComment.objects.count() == 1
    assert "We thank people in stand-up" in member_client.get(_detail()).content.decode()


def test_comments_are_paginated_and_queries_stay_constant(member_client, member, org):
    counts = []
    for n in (3, 25):
        for i in range(n):
            author = PersonFactory(organization=org, user__password=None)
            services.comment_create(author=author, slug="kudos", body=f"comment {i}")
        with CaptureQueriesContext(connection) as queries:
            response = member_client.get(_detail())
        counts.append(len(queries))
        assert len(response.context["comments"].object_list) <= 20
    assert counts[0] == counts[1]
    with CaptureQueriesContext(connection) as list_queries:
        member_client.get(reverse("guides:home"))
    assert len(list_queries) <= 8


def test_editing_and_deleting_my_own_comment_only(member_client, member, lead):
    mine = services.comment_create(author=member, slug="care", body="Good to know")
    theirs = services.comment_create(author=lead, slug="care", body="Agreed")
    edit = reverse("guides:comment_edit", args=[mine.pk])
    assert member_client.get(edit).status_code == 200
    assert member_client.post(edit, {"body": ""}).status_code == 422
    assert member_client.post(edit, {"body": "Very good to know"}).status_code == 302
    mine.refresh_from_db()
    assert mine.body == "Very good to know" and mine.edited_at
    assert (
        member_client.post(
            reverse("guides:comment_edit", args=[theirs.pk]), {"body": "x"}
        ).status_code
        == 404
    )
    assert member_client.post(reverse("guides:comment_delete", args=[theirs.pk])).status_code == 404
    assert member_client.post(reverse("guides:comment_delete", args=[mine.pk])).status_code == 302
    assert list(GuideComment.objects.values_list("body", flat=True)) == ["Agreed"]


def test_an_admin_rewrites_a_guide_for_the_organisation_and_resets_it(
    org_admin_client, admin, member_client
):
    edit = reverse("guides:edit", args=["kudos"])
    assert "Thank people specifically" not in org_admin_client.get(edit).content.decode()
    response = org_admin_client.post(
        edit,
        {
            "title": "Kudos at Acme",
            "summary": "How we thank.",
            "body": "## Our way\n\nThank people **on Fridays**.\n\n<script>x</script>",
        },
    )
    assert response.status_code == 302
    html = member_client.get(_detail()).content.decode()
    assert "Kudos at Acme" in html and "<strong>on Fridays</strong>" in html
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert "Written for Acme by Ada Admin" in html
    event = AuditEvent.objects.get()
    assert (event.actor, event.target_type, event.details["guide"]) == (
        admin,
        "guideoverride",
        "kudos",
    )
    assert org_admin_client.post(reverse("guides:reset", args=["kudos"])).status_code == 302
    assert not GuideOverride.objects.exists()
    assert escape(defaults()["kudos"].title) in member_client.get(_detail()).content.decode()
    assert AuditEvent.objects.count() == 2


def test_a_bad_edit_is_explained_and_changes_nothing(org_admin_client):
    response = org_admin_client.post(
        reverse("guides:edit", args=["kudos"]), {"title": "", "body": ""}
    )
    assert response.status_code == 422
    assert not GuideOverride.objects.exists() and not AuditEvent.objects.exists()


def test_members_cannot_edit_or_reset(member_client, admin):
    services.guide_update(actor=admin, slug="care", title="Care here", summary="", body="Ours")
    assert member_client.get(reverse("guides:edit", args=["care"])).status_code == 403
    assert member_client.post(reverse("guides:reset", args=["care"])).status_code == 403
    assert GuideOverride.objects.get().title == "Care here"


def test_another_organisations_version_and_comments_stay_there(member, admin, outsider):
    services.guide_update(
        actor=admin, slug="kudos", title="Acme kudos", summary="", body="Acme only"
    )
    services.comment_create(author=member, slug="kudos", body="Acme comment")
    html = client_for(outsider).get(_detail()).content.decode()
    assert "Acme kudos" not in html and "Acme comment" not in html
    assert escape(defaults()["kudos"].title) in html
