"""The pages, through HTTP: lists, making and asking, every move, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from rapport.commitments import services
from rapport.commitments.models import Commitment
from rapport.commitments.states import Outcome, State
from tests.conftest import client_for
from tests.factories import PersonFactory

from .factories import ask, promise

pytestmark = pytest.mark.django_db

HOME = reverse("commitments:home")


def detail(c):
    return reverse("commitments:detail", kwargs={"pk": c.pk})


def act(c, name):
    return reverse(f"commitments:{name}", kwargs={"pk": c.pk})


def text(response):
    return response.content.decode()


def test_the_home_page_shows_each_list_with_a_helpful_empty_state(member_client):
    response = member_client.get(HOME)
    assert response.status_code == 200
    body = text(response)
    assert body.count("<h1") == 1
    assert "No promises on the go" in body
    assert "Nobody owes you anything" in text(member_client.get(HOME + "?tab=to_me"))
    assert "Nobody has asked you" in text(member_client.get(HOME + "?tab=asked"))


def test_both_sides_see_a_promise_in_their_lists(member, colleague, member_client):
    promise(member, colleague, text="share the retro notes")
    ask(colleague, member, text="check the budget sheet")
    mine = text(member_client.get(HOME))
    assert "share the retro notes" in mine and "check the budget sheet" not in mine
    assert "check the budget sheet" in text(member_client.get(HOME + "?tab=asked"))
    theirs = client_for(colleague)
    assert "share the retro notes" in text(theirs.get(HOME + "?tab=to_me"))
    assert "check the budget sheet" in text(theirs.get(HOME + "?tab=to_me"))


def test_finished_promises_are_under_finished(member, colleague, member_client):
    c = promise(member, colleague, text="fix the footer")
    services.commitment_confirm(commitment=c, person=colleague)
    assert "fix the footer" not in text(member_client.get(HOME))
    assert "fix the footer" in text(member_client.get(HOME + "?show=closed"))


def test_htmx_gets_the_list_partial(member_client):
    response = member_client.get(HOME + "?tab=to_me", headers={"HX-Request": "true"})
    assert "<h1" not in text(response) and "Nobody owes you" in text(response)


@pytest.mark.parametrize("tab", ["promised", "to_me", "asked"])
def test_each_list_takes_the_same_queries_however_long(
    org, member, member_client, tab, django_assert_max_num_queries
):
    people = [PersonFactory(organization=org, user__password=None) for _ in range(3)]

    def add(n):
        for i in range(n):
            promise(member, *people[: 1 + i % 3], text=f"mine {i}")
            promise(people[i % 3], member, text=f"theirs {i}")
            ask(people[i % 3], member, text=f"asked {i}")

    add(2)
    with django_assert_max_num_queries(40) as small:
        assert member_client.get(HOME + f"?tab={tab}").status_code == 200
    add(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert member_client.get(HOME + f"?tab={tab}").status_code == 200


def test_making_a_promise_in_the_browser(member, colleague, member_client):
    due = timezone.localtime(timezone.now() + timedelta(days=3), member.tz)
    response = member_client.post(
        reverse("commitments:new"),
        {
            "text": "send the onboarding checklist",
            "receiver_ids": [colleague.pk],
            "due_date": due.date().isoformat(),
            "due_time": "16:00",
        },
    )
    c = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(c)
    assert c.due_at.astimezone(member.tz).hour == 16
    page = text(member_client.get(detail(c)))
    assert "send the onboarding checklist" in page and "Renegotiate the date" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due_date": "2020-01-01"}, "already passed"),
        ({"text": ""}, "This field is required"),
        ({"text": "x" * 281}, "at most 280 characters"),
        ({"receiver_ids": []}, "This field is required"),
        ({"receiver_ids": ["self"]}, "leave yourself out"),
        ({"receiver_ids": ["outsider"]}, "Only people in your organisation"),
    ],
)
def test_a_bad_promise_gets_a_clear_message_and_nothing_is_saved(
    member, colleague, outsider, member_client, change, message
):
    due = (timezone.now() + timedelta(days=2)).date().isoformat()
    data = {"text": "a thing", "receiver_ids": [colleague.pk], "due_date": due, "due_time": "10:00"}
    data.update(change)
    ids = {"self": member.pk, "outsider": outsider.pk}
    data["receiver_ids"] = [ids.get(i, i) for i in data["receiver_ids"]]
    response = member_client.post(reverse("commitments:new"), data)
    assert response.status_code == 200
    assert message in text(response).replace("&#x27;", "'")
    assert not Commitment.objects.exists()


def test_a_nonexistent_local_time_is_refused_in_the_form(org, colleague):
    person = PersonFactory(organization=org, time_zone="America/New_York")
    with time_machine.travel(datetime(2026, 2, 20, 12, 0, tzinfo=UTC), tick=False):
        client = client_for(person)
        response = client.post(
            reverse("commitments:new"),
            {
                "text": "deploy",
                "receiver_ids": [colleague.pk],
                "due_date": "2026-03-08",
                "due_time": "02:30",
            },
        )
    assert response.status_code == 200
    assert "02:30 doesn&#x27;t exist on 8 March 2026 in America/New_York" in text(response)
    assert not Commitment.objects.exists()


def test_asking_and_accepting_in_the_browser(member, colleague, member_client):
    due = (timezone.now() + timedelta(days=2)).date().isoformat()
    response = member_client.post(
        reverse("commitments:ask"),
        {
            "promiser_id": colleague.pk,
            "text": "review my draft",
            "due_date": due,
            "due_time": "12:00",
        },
    )
    c = Commitment.objects.get()
    assert response.status_code == 302 and c.state == State.ASKED
    theirs = client_for(colleague)
    assert "review my draft" in text(theirs.get(HOME + "?tab=asked"))
    response = theirs.post(act(c, "accept"), {})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == State.OPEN
    assert "review my draft" in text(theirs.get(HOME))


def test_declining_without_a_note_shows_the_form_again(member, colleague):
    c = ask(member, colleague)
    theirs = client_for(colleague)
    response = theirs.post(act(c, "decline"), {"decline-note": ""})
    assert response.status_code == 200 and "This field is required" in text(response)
    c.refresh_from_db()
    assert c.state == State.ASKED
    theirs.post(act(c, "decline"), {"decline-note": "Not this week"})
    c.refresh_from_db()
    assert c.state == State.DECLINED


def test_renegotiate_deliver_and_confirm_in_the_browser(member, colleague, member_client):
    c = promise(member, colleague)
    new_due = timezone.localtime(c.due_at + timedelta(days=2), member.tz)
    response = member_client.post(
        act(c, "renegotiate"),
        {
            "renegotiate-due_date": new_due.date().isoformat(),
            "renegotiate-due_time": "11:00",
            "renegotiate-message": "The data is late",
        },
    )
    assert response.status_code == 302
    page = text(member_client.get(detail(c)))
    assert "The data is late" in page and "early" in page
    member_client.post(act(c, "deliver"), {"deliver-note": "Done!"})
    client_for(colleague).post(act(c, "confirm"))
    c.refresh_from_db()
    assert (c.state, c.outcome) == (State.DONE, Outcome.RENEGOTIATED_EARLY)


def test_renegotiating_into_the_past_shows_why(member, colleague, member_client):
    c = promise(member, colleague)
    response = member_client.post(
        act(c, "renegotiate"),
        {
            "renegotiate-due_date": "2020-01-01",
            "renegotiate-due_time": "11:00",
            "renegotiate-message": "oops",
        },
    )
    assert response.status_code == 200 and "already passed" in text(response)
    c.refresh_from_db()
    assert c.renegotiations == 0


def test_renegotiating_a_closed_promise_is_refused(member, colleague, member_client):
    c = promise(member, colleague)
    services.commitment_confirm(commitment=c, person=colleague)
    future = (timezone.now() + timedelta(days=9)).date().isoformat()
    response = member_client.post(
        act(c, "renegotiate"),
        {
            "renegotiate-due_date": future,
            "renegotiate-due_time": "11:00",
            "renegotiate-message": "x",
        },
        follow=True,
    )
    assert "This promise is done, so it can&#x27;t be renegotiated any more." in text(response)
    c.refresh_from_db()
    assert c.renegotiations == 0


def test_the_wrong_side_is_told_and_nothing_changes(member, colleague, member_client):
    c = promise(member, colleague)
    response = member_client.post(act(c, "confirm"), follow=True)
    assert "Only the people this promise is for" in text(response)
    c.refresh_from_db()
    assert c.state == State.OPEN


def test_releasing_and_objecting_in_the_browser(member, colleague, member_client):
    c = promise(member, colleague)
    member_client.post(act(c, "deliver"), {})
    theirs = client_for(colleague)
    theirs.post(act(c, "object"), {"object-note": "The file is empty"})
    c.refresh_from_db()
    assert c.state == State.OPEN
    theirs.post(act(c, "release"), {"release-note": "No worries"})
    c.refresh_from_db()
    assert c.state == State.RELEASED


def test_people_who_are_not_party_to_a_promise_get_404(member, colleague, third, outsider):
    c = promise(member, colleague)
    for stranger in (third, outsider):
        client = client_for(stranger)
        assert client.get(detail(c)).status_code == 404
        for name in ("accept", "decline", "renegotiate", "deliver", "confirm", "object", "release"):
            assert client.post(act(c, name), {}).status_code == 404
    c.refresh_from_db()
    assert c.state == State.OPEN


def test_the_detail_page_shows_due_times_in_the_viewers_time_zone(org, colleague):
    person = PersonFactory(organization=org, time_zone="Asia/Tokyo")
    day = (timezone.now() + timedelta(days=10)).date()
    c = promise(person, colleague, due_at=datetime.combine(day, time(3, 0), tzinfo=UTC))
    expected = date_format(day, "l j F Y") + ", 12:00"  # 03:00 UTC is noon in Tokyo
    assert expected in text(client_for(person).get(detail(c)))
