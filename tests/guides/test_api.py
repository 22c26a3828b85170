"""The guides API: reading, comments, and the admins' own text for a guide."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.audit.models import AuditEvent
from rapport.guides import services
from rapport.guides.content import ORDER, defaults
from rapport.guides.models import GuideComment, GuideOverride
from tests.factories import PersonFactory

from ..api import bearer, send

pytestmark = pytest.mark.django_db


def _caller(person):
    client, headers = Client(), bearer(person)
    return lambda method, path, body=None: send(client, method, path, body, headers=headers)


@pytest.fixture
def api(member):
    return _caller(member)


def test_listing_and_reading_guides(api, member):
    services.comment_create(author=member, slug="care", body="Useful")
    listed = api("GET", "/guides?page_size=5").json()
    assert listed["count"] == len(ORDER) and listed["pages"] == 3
    assert [g["slug"] for g in listed["items"]] == list(ORDER[:5])
    last = api("GET", "/guides?page=3&page_size=5").json()["items"]
    assert [g["slug"] for g in last] == [ORDER[-1]] and last[0]["comment_count"] == 1
    one = api("GET", "/guides/care").json()
    assert one["title"] == defaults()["care"].title and one["customised"] is False
    assert "<h2>Why it matters</h2>" in one["html"] and one["comment_count"] == 1
    assert api("GET", "/guides/nope").status_code == 404


def test_comments_through_the_api(api, member, lead):
    created = api("POST", "/guides/kudos/comments", {"body": "We do this on Fridays"})
    assert created.status_code == 201 and created.json()["mine"] is True
    assert api("POST", "/guides/kudos/comments", {"body": ""}).status_code == 422
    assert api("POST", "/guides/kudos/comments", {"body": "x" * 2001}).status_code == 422
    assert api("POST", "/guides/kudos/comments", {"body": "   "}).status_code == 422
    assert api("POST", "/guides/nope/comments", {"body": "x"}).status_code == 404
    comment_id = created.json()["id"]
    assert (
        api("PATCH", f"/guide-comments/{comment_id}", {"body": "Fridays!"}).json()["body"]
        == "Fridays!"
    )
    theirs = services.comment_create(author=lead, slug="kudos", body="Mondays")
    assert api("PATCH", f"/guide-comments/{theirs.pk}", {"body": "x"}).status_code == 404
    assert api("DELETE", f"/guide-comments/{theirs.pk}").status_code == 404
    listed = api("GET", "/guides/kudos/comments").json()
    assert [c["body"] for c in listed["items"]] == ["Mondays", "Fridays!"]
    assert api("DELETE", f"/guide-comments/{comment_id}").status_code == 204
    assert list(GuideComment.objects.values_list("body", flat=True)) == ["Mondays"]


def test_comment_list_queries_stay_constant(api, org):
    counts = []
    for n in (2, 12):
        for i in range(n):
            services.comment_create(
                author=PersonFactory(organization=org, user__password=None),
                slug="feed",
                body=f"c{i}",
            )
        api("GET", "/guides/feed/comments")  # warm up the token
        with CaptureQueriesContext(connection) as queries:
            assert api("GET", "/guides/feed/comments").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_admins_update_and_reset_a_guide(admin, member):
    api = _caller(admin)
    updated = api("PUT", "/guides/kudos", {"title": "Kudos, our way", "body": "Thank **often**."})
    assert updated.status_code == 200
    assert (
        updated.json()["customised"] is True and "<strong>often</strong>" in updated.json()["html"]
    )
    assert _caller(member)("GET", "/guides/kudos").json()["title"] == "Kudos, our way"
    assert api("PUT", "/guides/kudos", {"title": "", "body": "x"}).status_code == 422
    assert (
        api("PUT", "/guides/kudos", {"title": "x", "body": "x", "html": "<b>"}).status_code == 422
    )
    reset = api("DELETE", "/guides/kudos/override").json()
    assert reset["customised"] is False and reset["title"] == defaults()["kudos"].title
    assert not GuideOverride.objects.exists()
    assert [
        e.details["change"]
        for e in AuditEvent.objects.filter(target_type="guideoverride").order_by("pk")
    ] == ["edited", "reset_to_default"]


def test_members_may_not_change_guides(api, admin):
    assert api("PUT", "/guides/kudos", {"title": "Mine", "body": "Mine"}).status_code == 403
    services.guide_update(actor=admin, slug="kudos", title="Ours", summary="", body="Ours")
    assert api("DELETE", "/guides/kudos/override").status_code == 403
    assert GuideOverride.objects.get().title == "Ours"


def test_an_outsider_reads_the_default_not_another_organisations_version(admin, member, outsider):
    services.guide_update(actor=admin, slug="kudos", title="Acme kudos", summary="", body="Acme")
    services.comment_create(author=member, slug="kudos", body="Acme comment")
    api = _caller(outsider)
    assert api("GET", "/guides/kudos").json()["title"] == defaults()["kudos"].title
    assert api("GET", "/guides/kudos/comments").json()["items"] == []
