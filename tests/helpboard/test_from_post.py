"""A challenge in the feed asks for help in one click: the help board's form opens filled in
from the post, the request remembers the post, and each links to the other for the people
who may see both. Through the pages and through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.feed.models import Post
from rapport.feed.services import post_create, post_delete
from rapport.helpboard import services
from rapport.helpboard.models import HelpRequest

from ..api import bearer, send
from ..conftest import client_for
from ..factories import MembershipFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db

NEW = reverse("helpboard:request_new")
FEED = reverse("feed:home")


def soon(days: int = 5) -> str:
    return (timezone.now().date() + timedelta(days=days)).isoformat()


def challenge(author, body="Stuck on the import\nIt times out on files over 2 GB.", **kw) -> Post:
    kw.setdefault("audience", "organization")
    return post_create(author=author, kind=kw.pop("kind", "challenge"), body=body, **kw)


def ask_from(requester, post, **extra) -> HelpRequest:
    return services.help_request_create(
        requester=requester,
        title=extra.pop("title", "Help with the import"),
        effort="under_hour",
        needed_by=timezone.now().date() + timedelta(days=3),
        source_post=post,
        **extra,
    )


def form_data(**changes) -> dict[str, str]:
    return {
        "title": "Help with the import",
        "description": "",
        "skills": "",
        "effort": "under_hour",
        "needed_by": soon(),
        "audience": "organization",
    } | changes


def api_for(person):
    client = Client(headers=bearer(person))
    return lambda method, path, body=None: send(client, method, path, body)


# --- pages ----------------------------------------------------------------------------------


def test_ask_for_help_on_my_challenge_opens_the_form_filled_in_from_the_post(
    member_client, member, team
):
    post = challenge(member, audience="team", team=team)
    feed = member_client.get(FEED).content.decode()
    assert f'href="{NEW}?from_post={post.pk}"' in feed  # the one click

    html = member_client.get(NEW, {"from_post": post.pk}).content.decode()
    assert 'value="Stuck on the import"' in html  # the first line is the title
    assert "Stuck on the import\nIt times out on files over 2 GB.</textarea>" in html
    assert f'<input type="hidden" name="from_post" value="{post.pk}">' in html
    assert f'href="{reverse("feed:post", args=[post.pk])}"' in html
    assert '<option value="team" selected>' in html  # a team's challenge asks that team


def test_the_request_remembers_the_post_and_each_links_to_the_other(
    member_client, member, lead, team
):
    post = challenge(member)
    response = member_client.post(NEW, form_data(from_post=str(post.pk)))
    request = HelpRequest.objects.get()
    assert response["Location"] == reverse("helpboard:request_detail", args=[request.pk])
    assert request.source_post == post

    detail = member_client.get(response["Location"]).content.decode()
    assert f'href="{reverse("feed:post", args=[post.pk])}"' in detail
    assert "your challenge" in detail

    request_url = reverse("helpboard:request_detail", args=[request.pk])
    for client in (member_client, client_for(lead)):
        page = client.get(reverse("feed:post", args=[post.pk])).content.decode()
        assert "Help asked" in page and f'href="{request_url}"' in page
    # While the request is open, the author's button gives way to the link.
    assert "Ask for help with this" not in member_client.get(FEED).content.decode()
    services.help_request_close(request=request, by=member)
    feed = member_client.get(FEED).content.decode()
    assert "Help request closed" in feed and "Ask for help with this" in feed


@pytest.mark.parametrize("whose", ["colleague", "win", "other_org", "missing", "junk", "huge"])
def test_from_post_is_ignored_unless_it_is_my_own_challenge(
    member_client, member, lead, outsider, whose
):
    value = {
        "colleague": lambda: challenge(lead, body="Lead is stuck").pk,
        "win": lambda: challenge(member, body="It shipped", kind="win").pk,
        "other_org": lambda: challenge(outsider, body="Elsewhere").pk,
        "missing": lambda: 987654,
        "junk": lambda: "12abc",
        "huge": lambda: "9" * 30,
    }[whose]()
    response = member_client.get(NEW, {"from_post": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="from_post"' not in html
    assert "is stuck" not in html and "It shipped" not in html and "Elsewhere" not in html

    response = member_client.post(NEW, form_data(from_post=str(value)))
    assert response.status_code == 302
    assert HelpRequest.objects.get().source_post is None


def test_help_asked_shows_only_to_people_who_may_see_both(org, team, member, lead):
    design = TeamFactory(organization=org, name="Design")
    sam = PersonFactory(organization=org, display_name="Sam Okafor")
    MembershipFactory(person=sam, team=design)
    MembershipFactory(person=member, team=design)

    # An organisation-wide challenge asked as a Design-only request: Lead (not in Design)
    # reads the post but not the request, so sees no trace of it.
    to_all = challenge(member, body="Open to all")
    ask_from(member, to_all, title="Design-only ask", audience="team", team=design)
    post_url = reverse("feed:post", args=[to_all.pk])
    assert "Design-only ask" in client_for(sam).get(post_url).content.decode()
    lead_page = client_for(lead).get(post_url).content.decode()
    assert "Open to all" in lead_page and "Design-only ask" not in lead_page
    assert "Design-only ask" not in client_for(lead).get(FEED).content.decode()

    # A Platform-only challenge asked of everyone: Sam (not in Platform) sees the request
    # but not where it came from.
    platform_only = challenge(member, body="Platform secret", audience="team", team=team)
    request = ask_from(member, platform_only, title="Ask everyone")
    detail = client_for(sam).get(reverse("helpboard:request_detail", args=[request.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and "Ask everyone" in html
    assert reverse("feed:post", args=[platform_only.pk]) not in html
    assert "Asked from" not in html
    assert (
        "Asked from"
        in client_for(lead)
        .get(reverse("helpboard:request_detail", args=[request.pk]))
        .content.decode()
    )


def test_deleting_the_post_keeps_the_request(member_client, member):
    post = challenge(member)
    request = ask_from(member, post)
    post_delete(post=post, actor=member)
    request.refresh_from_db()
    assert request.source_post is None
    html = member_client.get(reverse("helpboard:request_detail", args=[request.pk]))
    assert html.status_code == 200 and "Asked from" not in html.content.decode()


def test_the_service_refuses_a_post_that_is_not_my_challenge(member, lead):
    from django.core.exceptions import ValidationError

    for post in (challenge(lead), challenge(member, kind="win", body="A win")):
        with pytest.raises(ValidationError) as refused:
            ask_from(member, post)
        assert refused.value.message_dict == {
            "from_post": ["Only a challenge you shared yourself can become your request."]
        }
    assert not HelpRequest.objects.exists()


def test_the_feed_reads_help_asked_in_one_query_whatever_the_page_holds(
    member_client, member, lead
):
    counts = []
    for n in (1, 8):
        for i in range(n):
            ask_from(member, challenge(member, body=f"Challenge {n}-{i}"))
        with CaptureQueriesContext(connection) as queries:
            html = member_client.get(FEED).content.decode()
        assert html.count("Help asked") == len(HelpRequest.objects.all()[:20])
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- API ------------------------------------------------------------------------------------


def test_from_post_through_the_api(member, lead, team):
    api = api_for(member)
    post = challenge(member)
    body = {"title": "Help", "effort": "under_hour", "needed_by": soon(), "from_post": post.pk}
    response = api("POST", "/helpboard/requests", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["source_post_id"] == post.pk
    assert HelpRequest.objects.get().source_post == post

    for person in (member, lead):
        read = api_for(person)("GET", f"/feed/posts/{post.pk}").json()
        assert read["help_requests"] == [{"id": created["id"], "title": "Help", "state": "open"}]
    home = api_for(lead)("GET", "/feed").json()
    assert home["items"][0]["help_requests"][0]["id"] == created["id"]
    assert (
        api_for(lead)("GET", f"/helpboard/requests/{created['id']}").json()["source_post_id"]
        == post.pk
    )


def test_the_api_refuses_a_from_post_i_may_not_use_and_saves_nothing(member, lead, outsider):
    api = api_for(member)
    body = {"title": "Help", "effort": "under_hour", "needed_by": soon()}
    theirs = challenge(lead)
    response = api("POST", "/helpboard/requests", body | {"from_post": theirs.pk})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "from_post: Only a challenge you shared yourself can become your request."
    )
    win = challenge(member, kind="win", body="A win")
    assert api("POST", "/helpboard/requests", body | {"from_post": win.pk}).status_code == 422
    elsewhere = challenge(outsider)
    assert api("POST", "/helpboard/requests", body | {"from_post": elsewhere.pk}).status_code == 404
    assert api("POST", "/helpboard/requests", body | {"from_post": 0}).status_code == 422
    assert api("POST", "/helpboard/requests", body | {"from_post": "x"}).status_code == 422
    assert not HelpRequest.objects.exists()


def test_the_api_hides_the_source_of_a_request_from_people_who_cant_read_the_post(
    org, member, team
):
    platform_only = challenge(member, body="Platform secret", audience="team", team=team)
    request = ask_from(member, platform_only, title="Ask everyone")
    stranger = PersonFactory(organization=org)
    read = api_for(stranger)("GET", f"/helpboard/requests/{request.pk}")
    assert read.status_code == 200 and read.json()["source_post_id"] is None
