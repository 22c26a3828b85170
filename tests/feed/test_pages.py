"""The feed's pages through HTTP: feeds, filters, paging, writing, reacting, replying."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.feed import services
from rapport.feed.models import Post, Reaction, Reply
from rapport.notifications.models import Notification

from ..conftest import client_for
from .factories import PostFactory, ReactionFactory, ReplyFactory

pytestmark = pytest.mark.django_db

HOME = reverse("feed:home")


def _post(author, body="A small win", *, kind="win", team=None, **extra):
    audience = "team" if team else "organization"
    return services.post_create(
        author=author, kind=kind, audience=audience, team=team, body=body, **extra
    )


def test_the_home_feed_shows_what_i_may_see_newest_first(
    member_client, member, priya, sam, team, design
):
    _post(priya, "Platform only news", team=team)
    _post(sam, "Design only news", team=design)
    _post(sam, "News for everyone")
    response = member_client.get(HOME)
    html = response.content.decode()
    assert response.status_code == 200
    assert [p.body for p in response.context["page"].posts] == [
        "News for everyone",
        "Platform only news",
    ]
    assert "Design only news" not in html
    assert html.count("<h1") == 1


def test_an_empty_feed_says_what_to_do(member_client):
    assert "Nothing shared here yet" in member_client.get(HOME).content.decode()


def test_the_team_feed_is_for_its_members(member_client, member, priya, sam, team, design):
    _post(priya, "Platform news", team=team)
    _post(sam, "Everyone news")
    response = member_client.get(reverse("feed:team", args=[team.pk]))
    assert [p.body for p in response.context["page"].posts] == ["Platform news"]
    assert member_client.get(reverse("feed:team", args=[design.pk])).status_code == 404


def test_filters_by_kind_and_by_person(member_client, member, priya):
    _post(priya, "Priya's win")
    _post(priya, "Priya's challenge", kind="challenge")
    _post(member, "Mia's challenge", kind="challenge")
    challenges = member_client.get(HOME, {"kind": "challenge"}).context["page"].posts
    assert {p.body for p in challenges} == {"Priya's challenge", "Mia's challenge"}
    by_priya = (
        member_client.get(HOME, {"kind": "challenge", "person": priya.pk}).context["page"].posts
    )
    assert [p.body for p in by_priya] == ["Priya's challenge"]
    # Unknown values are ignored; a person of another organisation is not found.
    assert (
        len(member_client.get(HOME, {"kind": "rant", "before": "junk"}).context["page"].posts) == 3
    )
    assert member_client.get(HOME, {"person": 10**12}).status_code == 404


def test_paging_follows_the_older_link(member_client, member):
    now = timezone.now()
    for n in range(25):
        _post(member, f"post {n}", now=now - timedelta(minutes=n))
    first = member_client.get(HOME)
    assert len(first.context["page"].posts) == 20
    older = first.context["next_query"]
    assert f'href="?{older}"' in first.content.decode()
    second = member_client.get(f"{HOME}?{older}")
    assert [p.body for p in second.context["page"].posts] == [f"post {n}" for n in range(20, 25)]
    assert not second.context["page"].has_next
    assert "← Newest" in second.content.decode()


def _grow(member, priya, team, n):
    for i in range(n):
        post = PostFactory(author=priya, body=f"Hey @Mia Member {i}")
        team_post = PostFactory(author=priya, audience="team", team=team)
        ReplyFactory(post=post, author=member)
        ReactionFactory(post=post, person=member)
        ReactionFactory(post=team_post, person=priya, kind="support")


def test_feed_pages_use_a_constant_number_of_queries(
    member_client, member, priya, team, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 12):
        _grow(member, priya, team, n)
        for url in (
            HOME,
            reverse("feed:team", args=[team.pk]),
            f"{HOME}?person={priya.pk}&kind=win",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert member_client.get(url).status_code == 200
            counts.append((url, len(queries)))
    assert counts[:3] == [(u, c) for u, c in counts[3:]]
    assert max(c for _, c in counts) <= 14


def test_the_post_page_with_replies_uses_a_constant_number_of_queries(member_client, member, priya):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post = _post(priya, "A challenge", kind="challenge")
    counts = []
    for n in (2, 10):
        for i in range(n):
            ReplyFactory(post=post, author=member, body=f"@Priya Patel reply {i}")
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(reverse("feed:post", args=[post.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_writing_a_post_from_the_page(member_client, member, priya, team):
    response = member_client.post(
        reverse("feed:create"),
        {"kind": "win", "share_with": str(team.pk), "body": "Demo went well, thanks @Priya Patel"},
    )
    assert response.status_code == 302 and response["Location"] == HOME
    post = Post.objects.get()
    assert (post.team, post.audience, post.author) == (team, "team", member)
    assert Notification.objects.filter(recipient=priya, type="mentioned").exists()
    page = member_client.get(HOME).content.decode()
    assert f'<a class="mention" href="/people/{priya.pk}/">@Priya Patel</a>' in page


def test_a_post_from_the_team_page_goes_back_there(member_client, team):
    response = member_client.post(
        reverse("feed:create"),
        {"kind": "challenge", "share_with": "everyone", "body": "Stuck", "from_team": str(team.pk)},
    )
    assert response["Location"] == reverse("feed:team", args=[team.pk])
    assert Post.objects.get().audience == "organization"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "win", "share_with": "everyone", "body": ""}, "can&#x27;t be empty"),
        ({"kind": "win", "share_with": "everyone", "body": "x" * 1001}, "at most 1000"),
        ({"kind": "", "share_with": "everyone", "body": "x"}, "win or a challenge"),
        ({"kind": "win", "share_with": "999999", "body": "x"}, "one of your own teams"),
    ],
)
def test_bad_posts_are_explained_and_nothing_is_saved(member_client, data, message):
    response = member_client.post(reverse("feed:create"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Post.objects.exists()


def test_posting_to_a_team_i_am_not_in_is_refused(member_client, design):
    response = member_client.post(
        reverse("feed:create"), {"kind": "win", "share_with": str(design.pk), "body": "x"}
    )
    assert response.status_code == 422 and not Post.objects.exists()


def test_replying_and_editing_and_deleting_my_reply(member_client, member, priya):
    post = _post(priya, "We shipped", kind="win")
    url = reverse("feed:reply", args=[post.pk])
    assert member_client.post(url, {"body": ""}).status_code == 422
    response = member_client.post(url, {"body": "Congratulations!"})
    assert response["Location"] == reverse("feed:post", args=[post.pk])
    reply = Reply.objects.get()
    page = member_client.get(reverse("feed:post", args=[post.pk])).content.decode()
    assert "Congratulations!" in page and reverse("feed:reply_edit", args=[reply.pk]) in page
    edit = reverse("feed:reply_edit", args=[reply.pk])
    assert member_client.get(edit).status_code == 200
    assert member_client.post(edit, {"body": "Well done!"}).status_code == 302
    reply.refresh_from_db()
    assert reply.body == "Well done!" and reply.edited_at
    assert member_client.post(reverse("feed:reply_delete", args=[reply.pk])).status_code == 302
    assert not Reply.objects.exists()


def test_others_cannot_open_the_edit_pages_of_my_post_or_reply(member, priya):
    post = _post(member)
    reply = services.reply_create(author=member, post=post, body="more")
    client = client_for(priya)
    for name, pk in [
        ("feed:post_edit", post.pk),
        ("feed:post_delete", post.pk),
        ("feed:reply_edit", reply.pk),
        ("feed:reply_delete", reply.pk),
    ]:
        assert (
            client.post(reverse(name, args=[pk]), {"body": "x", "kind": "win"}).status_code == 404
        )
    assert Post.objects.get().body == "A small win"


def test_editing_and_deleting_my_post(member_client, member):
    post = _post(member, "Frist post")
    edit = reverse("feed:post_edit", args=[post.pk])
    assert "Frist post" in member_client.get(edit).content.decode()
    assert member_client.post(edit, {"kind": "win", "body": ""}).status_code == 422
    assert member_client.post(edit, {"kind": "challenge", "body": "First post"}).status_code == 302
    post.refresh_from_db()
    assert (post.body, post.kind) == ("First post", "challenge")
    assert member_client.post(reverse("feed:post_delete", args=[post.pk]))["Location"] == HOME
    assert not Post.objects.exists()


def test_reacting_with_htmx_returns_the_buttons_and_toggles(member_client, member, priya):
    post = _post(priya)
    url = reverse("feed:react", args=[post.pk])
    response = member_client.post(url, {"kind": "celebrate"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'aria-pressed="true" aria-label="Celebrate: 1"' in html
    member_client.post(url, {"kind": "celebrate"}, HTTP_HX_REQUEST="true")
    assert not Reaction.objects.exists()
    assert member_client.post(url, {"kind": "angry"}, HTTP_HX_REQUEST="true").status_code == 422


def test_reacting_without_htmx_goes_back_where_i_was_but_never_elsewhere(member_client, priya):
    post = _post(priya)
    url = reverse("feed:react", args=[post.pk])
    back = member_client.post(url, {"kind": "support", "next": "/feed/?kind=win"})
    assert back["Location"] == f"/feed/?kind=win#post-{post.pk}"
    away = member_client.post(url, {"kind": "support", "next": "https://evil.example/"})
    assert away["Location"] == reverse("feed:post", args=[post.pk]) + f"#post-{post.pk}"


def test_my_challenge_offers_to_ask_the_help_board(member_client, member, priya):
    mine = _post(member, "Stuck on the import", kind="challenge")
    _post(priya, "Priya is stuck too", kind="challenge")
    html = member_client.get(HOME).content.decode()
    assert html.count("Ask for help with this") == 1
    expected = reverse("helpboard:request_new") + f"?from_post={mine.pk}"
    assert f'href="{expected}"' in html


def test_times_show_in_my_time_zone(member_client, member):
    member.time_zone = "America/New_York"
    member.save()
    _post(member, "summer", now=datetime(2025, 7, 1, 12, 0, tzinfo=UTC))
    _post(member, "winter", now=datetime(2025, 1, 15, 12, 0, tzinfo=UTC))
    html = member_client.get(HOME).content.decode()
    assert "1 Jul 2025, 08:00" in html  # EDT, UTC-4
    assert "15 Jan 2025, 07:00" in html  # EST, UTC-5
