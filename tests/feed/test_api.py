"""The feed API: feeds with filters and cursors, posts, replies and reactions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.feed import services
from rapport.feed.models import Post, Reaction, Reply
from rapport.ledger.models import Interaction

from ..api import bearer, send
from .factories import PostFactory, ReactionFactory, ReplyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(member):
    client = Client()
    headers = bearer(member)

    def call(method, path, body=None):
        return send(client, method, path, body, headers=headers)

    return call


def _post(author, body="A small win", *, kind="win", team=None, **extra):
    audience = "team" if team else "organization"
    return services.post_create(
        author=author, kind=kind, audience=audience, team=team, body=body, **extra
    )


def test_creating_a_post_with_a_mention(api, member, priya, team):
    response = api(
        "POST",
        "/feed/posts",
        {"kind": "win", "audience": "team", "team_id": team.pk, "body": "Thanks @Priya Patel!"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["team_name"] == "Platform" and body["mine"] is True
    assert body["mentions"] == [{"id": priya.pk, "display_name": "Priya Patel"}]
    assert [r["kind"] for r in body["reactions"]] == ["celebrate", "support", "thanks", "insight"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "win", "audience": "organization", "body": ""}, "body"),
        ({"kind": "win", "audience": "organization", "body": "x" * 1001}, "body"),
        ({"kind": "brag", "audience": "organization", "body": "x"}, "kind"),
        ({"kind": "win", "audience": "team", "body": "x"}, "team_id"),
        ({"kind": "win", "audience": "team", "team_id": 10**15, "body": "x"}, "team_id"),
        ({"kind": "win", "audience": "organization", "body": "x", "extra": 1}, "extra"),
        ({"kind": "win", "audience": "organization", "body": "nul\u0000"}, "body"),
    ],
)
def test_bad_posts_are_422_and_save_nothing(api, payload, field):
    response = api("POST", "/feed/posts", payload)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid"
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Post.objects.exists()


def test_a_whitespace_only_post_is_refused_by_the_service(api):
    response = api(
        "POST", "/feed/posts", {"kind": "win", "audience": "organization", "body": "   "}
    )
    assert response.status_code == 422 and not Post.objects.exists()


def test_the_home_feed_with_filters_and_cursor(api, member, priya, sam, team, design):
    now = timezone.now()
    for n in range(5):
        _post(
            priya, f"org {n}", kind="challenge" if n % 2 else "win", now=now - timedelta(minutes=n)
        )
    _post(priya, "platform", team=team, now=now - timedelta(minutes=10))
    _post(sam, "design", team=design)
    page = api("GET", "/feed?limit=4").json()
    assert [p["body"] for p in page["items"]] == ["org 0", "org 1", "org 2", "org 3"]
    rest = api("GET", f"/feed?limit=4&before={page['next']}").json()
    assert [p["body"] for p in rest["items"]] == ["org 4", "platform"] and rest["next"] is None
    challenges = api("GET", "/feed?kind=challenge").json()["items"]
    assert [p["body"] for p in challenges] == ["org 1", "org 3"]
    by_sam = api("GET", f"/feed?person={sam.pk}").json()["items"]
    assert by_sam == []  # Sam's only post is to Design


def test_bad_feed_parameters(api):
    assert api("GET", "/feed?before=nonsense").status_code == 422
    assert api("GET", "/feed?limit=101").status_code == 422
    assert api("GET", "/feed?kind=rant").status_code == 422
    assert api("GET", "/feed?person=999999").status_code == 404


def test_the_team_feed_is_for_members(api, priya, team, design):
    _post(priya, "platform", team=team)
    assert [p["body"] for p in api("GET", f"/feed/teams/{team.pk}").json()["items"]] == ["platform"]
    assert api("GET", f"/feed/teams/{design.pk}").status_code == 404


def test_feed_queries_stay_constant(api, member, priya, team):
    counts = []
    for n in (2, 12):
        for i in range(n):
            post = PostFactory(author=priya, body=f"Hi @Mia Member {i}")
            PostFactory(author=priya, audience="team", team=team)
            ReplyFactory(post=post, author=member)
            ReactionFactory(post=post, person=member)
        for path in ("/feed", f"/feed/teams/{team.pk}", f"/feed?person={priya.pk}"):
            api("GET", path)  # the token's first use of the minute is recorded: warm up
            with CaptureQueriesContext(connection) as queries:
                assert api("GET", path).status_code == 200
            counts.append(len(queries))
    assert counts[:3] == counts[3:]


def test_reading_editing_and_deleting_my_post(api, member, priya):
    post = _post(member, "Frist")
    assert api("GET", f"/feed/posts/{post.pk}").json()["body"] == "Frist"
    response = api(
        "PATCH", f"/feed/posts/{post.pk}", {"body": "First @Priya Patel", "kind": "challenge"}
    )
    assert response.status_code == 200
    assert response.json()["kind"] == "challenge" and response.json()["edited_at"]
    assert response.json()["mentions"][0]["id"] == priya.pk
    assert api("PATCH", f"/feed/posts/{post.pk}", {"body": ""}).status_code == 422
    assert api("DELETE", f"/feed/posts/{post.pk}").status_code == 204
    assert api("GET", f"/feed/posts/{post.pk}").status_code == 404


def test_someone_elses_post_can_be_read_but_not_changed(api, priya, sam, team):
    theirs = _post(priya, "Priya's")
    assert api("GET", f"/feed/posts/{theirs.pk}").json()["mine"] is False
    assert api("PATCH", f"/feed/posts/{theirs.pk}", {"body": "mine"}).status_code == 404
    assert api("DELETE", f"/feed/posts/{theirs.pk}").status_code == 404
    hidden = _post(sam, "Design's", team=sam.memberships.get().team)
    assert api("GET", f"/feed/posts/{hidden.pk}").status_code == 404
    assert api("POST", f"/feed/posts/{hidden.pk}/replies", {"body": "hi"}).status_code == 404


def test_reacting_toggles(api, priya):
    post = _post(priya)
    on = api("POST", f"/feed/posts/{post.pk}/reactions", {"kind": "thanks"}).json()
    assert on["on"] is True
    assert next(r for r in on["reactions"] if r["kind"] == "thanks") == {
        "kind": "thanks",
        "label": "Thank you",
        "count": 1,
        "mine": True,
    }
    off = api("POST", f"/feed/posts/{post.pk}/reactions", {"kind": "thanks"}).json()
    assert off["on"] is False and not Reaction.objects.exists()
    assert api("POST", f"/feed/posts/{post.pk}/reactions", {"kind": "angry"}).status_code == 422


def test_replies_create_list_edit_delete(api, member, priya):
    post = _post(priya, "We shipped")
    created = api("POST", f"/feed/posts/{post.pk}/replies", {"body": "Well done @Priya Patel"})
    assert created.status_code == 201
    reply = created.json()
    assert reply["mine"] is True and reply["mentions"][0]["id"] == priya.pk
    assert Interaction.objects.filter(actor=member, other=priya, kind="replied").count() == 1
    listed = api("GET", f"/feed/posts/{post.pk}/replies").json()
    assert listed["count"] == 1 and listed["items"][0]["body"] == "Well done @Priya Patel"
    assert (
        api("PATCH", f"/feed/replies/{reply['id']}", {"body": "Great work"}).json()["body"]
        == "Great work"
    )
    assert api("PATCH", f"/feed/replies/{reply['id']}", {"body": ""}).status_code == 422
    assert api("DELETE", f"/feed/replies/{reply['id']}").status_code == 204
    assert not Reply.objects.exists()


def test_someone_elses_reply_cannot_be_changed(api, member, priya):
    post = _post(member)
    reply = services.reply_create(author=priya, post=post, body="Nice")
    assert api("PATCH", f"/feed/replies/{reply.pk}", {"body": "x"}).status_code == 404
    assert api("DELETE", f"/feed/replies/{reply.pk}").status_code == 404


def test_reply_list_queries_stay_constant(api, member, priya):
    post = _post(priya)
    counts = []
    for n in (2, 10):
        for i in range(n):
            ReplyFactory(post=post, author=member, body=f"@Priya Patel {i}")
        api("GET", f"/feed/posts/{post.pk}/replies")  # warm up the token
        with CaptureQueriesContext(connection) as queries:
            assert api("GET", f"/feed/posts/{post.pk}/replies").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
