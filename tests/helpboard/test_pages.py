"""The help board pages through HTTP: the board and its order, capacity, asking, offering,
accepting, done and thanks; refusals; and query counts that stay flat as data grows."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rapport.helpboard import services
from rapport.helpboard.models import Capacity, HelpRequest, Offer, OfferState, RequestState
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction

from ..conftest import client_for
from ..factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

HOME = reverse("helpboard:home")


def soon(days: int = 5) -> str:
    return (timezone.now().date() + timedelta(days=days)).isoformat()


def ask(requester, title="Pair on the flaky deploy", skills="ci, python", **extra) -> HelpRequest:
    return services.help_request_create(
        requester=requester,
        title=title,
        skills=skills,
        effort=extra.pop("effort", "under_hour"),
        needed_by=timezone.now().date() + timedelta(days=5),
        **extra,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the board ------------------------------------------------------------------------------


def test_the_board_shows_open_requests_i_may_see_and_says_what_to_do_when_empty(
    member_client, member, lead, admin, outsider
):
    response = member_client.get(HOME)
    assert response.status_code == 200
    assert "No open requests right now" in response.content.decode()

    ask(lead, title="Lead needs a reviewer")
    ask(admin, title="Admin team-only", audience="organization")
    ask(outsider, title="Another organisation's")
    done = ask(lead, title="Already done")
    services.help_request_close(request=done, by=lead)
    ask(member, title="My own")
    html = member_client.get(HOME).content.decode()
    assert "Lead needs a reviewer" in html and "Admin team-only" in html
    for hidden in ("Another organisation's", "Already done", "My own"):
        assert hidden not in html


def test_with_capacity_matching_requests_come_first_then_the_newest(
    member_client, member, lead, admin
):
    older_match = ask(lead, title="Older match", skills="figma")
    ask(admin, title="Newest no match", skills="sql")
    services.capacity_update(person=member, status="steady", skills="Figma")
    titles = [r.title for r, _ in member_client.get(HOME).context["rows"]]
    assert titles == ["Newest no match", "Older match"]  # steady: newest first

    services.capacity_update(person=member, status="available", skills="Figma")
    response = member_client.get(HOME)
    rows = response.context["rows"]
    assert [r.title for r, _ in rows] == ["Older match", "Newest no match"]
    assert rows[0][0].pk == older_match.pk and rows[0][0].matches_me
    assert "Matches your skills" in response.content.decode()


def test_the_board_filters_by_skill_and_shows_people_with_capacity(
    member_client, org, member, lead, admin
):
    ask(lead, title="Needs sql", skills="sql")
    ask(admin, title="Needs figma", skills="figma")
    services.capacity_update(person=lead, status="available", skills="SQL")
    services.capacity_update(person=admin, status="available", skills="figma")
    gone = PersonFactory(organization=org, display_name="Gone Person", status="left")
    services.capacity_update(person=gone, status="available", skills="sql")

    response = member_client.get(HOME, {"skill": "  SQL "})
    assert [r.title for r, _ in response.context["rows"]] == ["Needs sql"]
    assert [c.person for c in response.context["people_page"].object_list] == [lead]
    html = response.content.decode()
    assert "Gone Person" not in html and "Have capacity this week" in html


def test_stale_capacity_shows_as_out_of_date_and_drops_off_the_board(member_client, member, lead):
    services.capacity_update(
        person=lead, status="available", skills="", now=timezone.now() - timedelta(days=8)
    )
    services.capacity_update(
        person=member, status="available", skills="", now=timezone.now() - timedelta(days=8)
    )
    response = member_client.get(HOME)
    assert list(response.context["people_page"].object_list) == []
    assert "Out of date" in response.content.decode()


def test_the_mine_tab_lists_what_i_asked_and_offered_on_in_every_state(
    member_client, member, lead, admin
):
    mine = ask(member, title="Mine, closed")
    services.help_request_close(request=mine, by=member)
    offered = ask(lead, title="I offered here")
    services.offer_create(request=offered, helper=member)
    ask(admin, title="Not mine")
    response = member_client.get(HOME, {"tab": "mine"})
    titles = [r.title for r, _ in response.context["rows"]]
    assert titles == ["I offered here", "Mine, closed"]
    assert "You offered" in response.content.decode()


def test_the_board_and_mine_use_the_same_number_of_queries_as_data_grows(
    member_client, org, team, member
):
    def grow(count: int) -> None:
        for i in range(count):
            person = PersonFactory(organization=org, user__password=None)
            MembershipFactory(person=person, team=team)
            services.capacity_update(person=person, status="available", skills=f"s{i}, shared")
            request = ask(person, title=f"R{i}", skills=f"s{i}, shared")
            services.offer_create(request=request, helper=member, message="me")
            other = ask(person, title=f"T{i}", audience="team")
            services.offer_create(request=other, helper=member)

    services.capacity_update(person=member, status="available", skills="shared")

    def count(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(HOME, params).status_code == 200
        return len(queries)

    # With capacity, a page may hold matching requests, others, or both (one more query
    # pair when it straddles the two): a fixed ceiling, whatever the amount of data.
    ceilings = {"": 20, "mine": 16, "skill": 21}
    for size in (2, 25):
        grow(size)
        counts = {
            "": count({}),
            "mine": count({"tab": "mine"}),
            "skill": count({"skill": "shared"}),
        }
        assert all(counts[k] <= ceilings[k] for k in ceilings), (size, counts)


def test_board_pages_keep_the_filter_and_count_only_up_to_a_cap(
    member_client, org, member, monkeypatch
):
    from rapport.helpboard import selectors
    from rapport.lib import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 30)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 10)
    asker = PersonFactory(organization=org, user__password=None)
    for i in range(35):
        ask(asker, title=f"Request {i}", skills="sql")
    response = member_client.get(HOME, {"skill": "sql", "page": "2"})
    page = response.context["page"]
    assert page.number == 2 and page.paginator.count == 30 and page.paginator.capped
    html = response.content.decode()
    assert "Page 2 of 3+" in html
    assert "?skill=sql&amp;page=3" in html


# --- capacity -------------------------------------------------------------------------------


def test_i_set_my_capacity_and_skills_from_suggestions_of_colleagues_tags(
    member_client, member, lead
):
    services.capacity_update(person=lead, status="steady", skills="kubernetes")
    page = member_client.get(reverse("helpboard:capacity"))
    assert 'data-skill="kubernetes"' in page.content.decode()
    response = member_client.post(
        reverse("helpboard:capacity"),
        {"status": "available", "skills": "Kubernetes, Terraform", "suggestions_off": "on"},
    )
    assert response.status_code == 302 and response["Location"] == HOME
    capacity = Capacity.objects.get(person=member)
    assert capacity.has_room() and capacity.suggestions_off
    assert sorted(capacity.skills.values_list("name", flat=True)) == ["kubernetes", "terraform"]
    html = member_client.get(HOME).content.decode()
    assert "Have capacity this week" in html and "terraform" in html


def test_too_many_skills_on_the_capacity_page_is_a_clear_error(member_client, member):
    skills = ", ".join(f"skill{i}" for i in range(16))
    response = member_client.post(
        reverse("helpboard:capacity"), {"status": "available", "skills": skills}
    )
    assert response.status_code == 200
    assert "That is 16 skills; choose at most 15." in response.content.decode()
    assert not Capacity.objects.exists()
    response = member_client.post(reverse("helpboard:capacity"), {"skills": "x"})
    assert "Choose how your week looks." in response.content.decode()


# --- asking ---------------------------------------------------------------------------------


def test_the_new_request_form_takes_no_words_from_the_address(member_client):
    # Only `from_post` fills it in (see test_from_post.py): words in the address would end
    # up in logs and could put someone else's words in my mouth.
    response = member_client.get(
        reverse("helpboard:request_new"),
        {"title": "Stuck on the release", "description": "The pipeline keeps failing"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stuck on the release" not in html and "The pipeline keeps failing" not in html


def test_i_ask_for_a_hand(member_client, member):
    response = member_client.post(
        reverse("helpboard:request_new"),
        {
            "title": "Review my SQL",
            "description": "A slow report",
            "skills": "SQL, postgresql",
            "effort": "half_day",
            "needed_by": soon(),
            "audience": "team",
        },
    )
    request = HelpRequest.objects.get()
    assert response["Location"] == reverse("helpboard:request_detail", args=[request.pk])
    assert request.requester == member and request.team is not None
    assert sorted(request.skills.values_list("name", flat=True)) == ["postgresql", "sql"]
    page = member_client.get(response["Location"]).content.decode()
    assert "Review my SQL" in page and "No offers yet" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"needed_by": "2020-01-01"}, "That date has passed; choose today or a later day."),
        ({"title": "x" * 121}, "Keep this to 120 characters or fewer."),
        ({"description": "x" * 2001}, "Keep this to 2000 characters or fewer."),
        ({"skills": "a, b, c, d, e, f"}, "That is 6 skills; choose at most 5."),
        ({"needed_by": "not a date"}, "Enter a real date"),
        ({"title": ""}, "Say in a few words what you need."),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message_and_nothing_saved(
    member_client, changes, message
):
    data = {
        "title": "Help",
        "effort": "under_hour",
        "needed_by": soon(),
        "audience": "organization",
    }
    response = member_client.post(reverse("helpboard:request_new"), data | changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HelpRequest.objects.exists()


# --- offering, accepting, done, thanks ------------------------------------------------------


def test_a_colleague_offers_the_requester_accepts_marks_done_and_can_say_thanks(
    member_client, member, lead
):
    request = ask(member)
    detail = reverse("helpboard:request_detail", args=[request.pk])
    lead_client = client_for(lead)
    assert "Offer to help" in lead_client.get(detail).content.decode()
    response = lead_client.post(
        reverse("helpboard:offer_create", args=[request.pk]), {"message": "Free after lunch"}
    )
    assert response["Location"] == detail
    assert "Sent." in lead_client.get(detail).content.decode()
    offer = Offer.objects.get()

    page = member_client.get(detail).content.decode()
    assert "Free after lunch" in page and "Accept" in page
    member_client.post(reverse("helpboard:offer_accept", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.state == OfferState.ACCEPTED
    response = member_client.post(reverse("helpboard:request_done", args=[request.pk]))
    assert response["Location"] == detail
    request.refresh_from_db()
    assert request.state == RequestState.DONE
    assert Interaction.objects.filter(kind=Kind.HELPED, actor=lead, other=member).count() == 1

    response = member_client.get(detail)
    html = response.content.decode()
    assert "Say thank you" in html
    link = html.split(f'href="{reverse("kudos:give")}?')[1].split('"')[0]
    query = parse_qs(urlsplit("?" + link.replace("&amp;", "&")).query)
    assert query["to"] == [str(lead.pk)]
    assert query["message"] == ["Thank you for helping me with “Pair on the flaky deploy”."]
    # The link opens the kudos form with the helper chosen and the words written.
    give = member_client.get(f"{reverse('kudos:give')}?{link.replace('&amp;', '&')}")
    assert f'value="{lead.pk}" selected' in give.content.decode()
    assert "Thank you for helping me with “Pair on the flaky deploy”." in give.content.decode()


def test_offers_are_refused_on_my_own_request_and_on_closed_ones(member_client, member, lead):
    mine = ask(member)
    url = reverse("helpboard:offer_create", args=[mine.pk])
    response = member_client.post(url, {}, follow=True)
    assert "This is your own request: others can offer to help with it." in messages_of(response)
    closed = ask(lead)
    services.help_request_close(request=closed, by=lead)
    url = reverse("helpboard:offer_create", args=[closed.pk])
    response = member_client.post(url, {}, follow=True)
    assert "This request is no longer open, so it can't take offers." in messages_of(response)
    response = member_client.post(
        reverse("helpboard:offer_create", args=[ask(lead).pk]), {"message": "x" * 281}
    )
    assert response.status_code == 400
    assert "Keep this to 280 characters or fewer." in response.content.decode()
    assert not Offer.objects.exists()


def test_accepting_offers_on_someone_elses_request_is_refused(member_client, member, lead, admin):
    request = ask(lead)
    offer = services.offer_create(request=request, helper=member)
    response = member_client.post(reverse("helpboard:offer_accept", args=[offer.pk]), follow=True)
    assert "Only the person who asked for help can accept offers." in messages_of(response)
    offer.refresh_from_db()
    assert offer.state == OfferState.OFFERED
    # Someone who can't even see the offer gets a 404.
    assert (
        client_for(admin).post(reverse("helpboard:offer_accept", args=[offer.pk])).status_code
        == 404
    )


def test_done_without_an_accepted_offer_and_closing_say_what_happened(member_client, member):
    request = ask(member)
    response = member_client.post(reverse("helpboard:request_done", args=[request.pk]), follow=True)
    assert any("Accept the offer" in m for m in messages_of(response))
    response = member_client.post(
        reverse("helpboard:request_close", args=[request.pk]), follow=True
    )
    assert "Your request is closed." in messages_of(response)
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED


def test_a_team_request_is_404_for_people_outside_the_team(member, admin):
    request = ask(member, audience="team")
    url = reverse("helpboard:request_detail", args=[request.pk])
    assert client_for(admin).get(url).status_code == 404
    assert client_for(member).get(url).status_code == 200


def test_the_pages_need_a_signed_in_person(client):
    response = client.get(HOME)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_matching_requests_come_first_across_pages(member_client, org, member, monkeypatch):
    from rapport.helpboard import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    services.capacity_update(person=member, status="available", skills="sql")
    asker = PersonFactory(organization=org, user__password=None)
    for i in range(3):
        ask(asker, title=f"Match {i}", skills="sql")
    for i in range(4):
        ask(asker, title=f"Other {i}", skills="go")
    titles = []
    for number in (1, 2, 3, 4):
        page = member_client.get(HOME, {"page": str(number)}).context["page"]
        titles.append([r.title for r in page.object_list])
    assert titles == [
        ["Match 2", "Match 1"],
        ["Match 0", "Other 3"],
        ["Other 2", "Other 1"],
        ["Other 0"],
    ]
    assert page.paginator.count == 7
