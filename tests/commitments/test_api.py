"""The API: every operation, its errors, and constant queries for the list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from rapport.commitments import services
from rapport.commitments.models import Commitment
from rapport.commitments.states import Outcome, State
from tests.api import bearer, send
from tests.factories import PersonFactory

from .factories import ask, promise

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return Client()


def call(api, person, method, path, body=None):
    return send(api, method, path, body, headers=bearer(person))


def future(days=3):
    return (timezone.now() + timedelta(days=days)).isoformat()


def test_making_a_promise(api, member, colleague):
    response = call(
        api,
        member,
        "POST",
        "/commitments",
        {"text": "write the summary", "receiver_ids": [colleague.pk], "due_at": future()},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "open" and body["my_side"] == "promiser"
    assert body["receivers"] == [{"id": colleague.pk, "display_name": "Cole Colleague"}]
    assert body["my_actions"] == ["deliver", "renegotiate"]
    theirs = call(api, colleague, "GET", f"/commitments/{body['id']}").json()
    assert theirs["my_side"] == "receiver" and theirs["my_actions"] == ["confirm", "release"]
    assert [e["kind"] for e in theirs["history"]] == ["promised"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"due_at": "2020-01-01T10:00:00Z"}, "due_at", "already passed"),
        ({"text": "x" * 300}, "text", "280 characters or fewer"),
        ({"text": "  "}, "text", "Say what you will do"),
        ({"receiver_ids": []}, "receiver_ids", "Choose who"),
    ],
)
def test_bad_promises_get_422_with_the_reason_and_nothing_is_saved(
    api, member, colleague, body, field, message
):
    payload = {"text": "a thing", "receiver_ids": [colleague.pk], "due_at": future(), **body}
    response = call(api, member, "POST", "/commitments", payload)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert message in errors[field]
    assert not Commitment.objects.exists()


def test_a_promise_to_an_outsider_is_refused_without_saying_who_they_are(api, member, outsider):
    response = call(
        api,
        member,
        "POST",
        "/commitments",
        {"text": "a thing", "receiver_ids": [outsider.pk], "due_at": future()},
    )
    assert response.status_code == 422
    assert "Only people in your organisation" in response.json()["detail"]
    assert "Otto" not in response.content.decode()


def test_a_local_due_time_is_read_in_my_time_zone_and_a_skipped_one_refused(api, org, colleague):
    person = PersonFactory(organization=org, time_zone="America/New_York")
    with time_machine.travel(datetime(2026, 2, 20, 12, 0, tzinfo=UTC), tick=False):
        made = call(
            api,
            person,
            "POST",
            "/commitments",
            {"text": "ship it", "receiver_ids": [colleague.pk], "due_at": "2026-03-09T09:00:00"},
        )
        assert made.status_code == 201
        assert made.json()["due_at"].startswith("2026-03-09T13:00:00")
        refused = call(
            api,
            person,
            "POST",
            "/commitments",
            {"text": "ship it", "receiver_ids": [colleague.pk], "due_at": "2026-03-08T02:30:00"},
        )
    assert refused.status_code == 422
    assert "02:30 doesn't exist on 8 March 2026 in America/New_York" in refused.json()["detail"]


def test_ask_accept_and_decline(api, member, colleague, third):
    asked = call(
        api,
        member,
        "POST",
        "/commitments/ask",
        {"promiser_id": colleague.pk, "text": "proofread my post", "due_at": future()},
    )
    assert asked.status_code == 201 and asked.json()["state"] == "asked"
    pk = asked.json()["id"]
    assert call(api, colleague, "GET", "/commitments?tab=asked").json()["count"] == 1
    refused = call(api, member, "POST", f"/commitments/{pk}/accept", {})
    assert refused.status_code == 403
    accepted = call(api, colleague, "POST", f"/commitments/{pk}/accept", {"due_at": future(5)})
    assert accepted.json()["state"] == "open"

    other = ask(third, colleague).pk
    no_note = call(api, colleague, "POST", f"/commitments/{other}/decline", {"note": ""})
    assert no_note.status_code == 422
    declined = call(api, colleague, "POST", f"/commitments/{other}/decline", {"note": "Too busy"})
    assert declined.json()["state"] == "declined"


def test_renegotiate_deliver_object_confirm_and_release(api, member, colleague):
    c = promise(member, colleague)
    path = f"/commitments/{c.pk}"
    moved = call(
        api,
        member,
        "POST",
        f"{path}/renegotiate",
        {"due_at": future(6), "message": "Need the numbers first"},
    )
    assert moved.status_code == 200 and moved.json()["renegotiations"] == 1
    past = call(
        api,
        member,
        "POST",
        f"{path}/renegotiate",
        {"due_at": "2020-01-01T00:00:00Z", "message": "x"},
    )
    assert past.status_code == 422 and "already passed" in past.json()["detail"]
    assert call(api, member, "POST", f"{path}/deliver", {}).json()["state"] == "delivered"
    back = call(api, colleague, "POST", f"{path}/object", {"note": "One page missing"})
    assert back.json()["state"] == "open"
    call(api, member, "POST", f"{path}/deliver", {"note": "Fixed"})
    done = call(api, colleague, "POST", f"{path}/confirm")
    assert done.json()["state"] == "done" and done.json()["outcome"] == Outcome.RENEGOTIATED_EARLY
    closed = call(api, member, "POST", f"{path}/renegotiate", {"due_at": future(9), "message": "x"})
    assert closed.status_code == 422
    assert closed.json()["detail"] == "This promise is done, so it can't be renegotiated any more."

    other = promise(member, colleague)
    released = call(
        api, colleague, "POST", f"/commitments/{other.pk}/release", {"note": "All good"}
    )
    assert released.json()["state"] == "released"


def test_people_not_party_to_a_promise_get_404_from_every_operation(api, member, colleague, third):
    c = promise(member, colleague)
    for method, suffix, body in [
        ("GET", "", None),
        ("POST", "/accept", {}),
        ("POST", "/decline", {"note": "x"}),
        ("POST", "/renegotiate", {"due_at": future(), "message": "x"}),
        ("POST", "/deliver", {}),
        ("POST", "/confirm", None),
        ("POST", "/object", {"note": "x"}),
        ("POST", "/release", {}),
    ]:
        response = call(api, third, method, f"/commitments/{c.pk}{suffix}", body)
        assert response.status_code == 404, suffix
    c.refresh_from_db()
    assert c.state == State.OPEN


def test_the_list_filters(api, member, colleague):
    open_one = promise(member, colleague, text="open one")
    done = promise(member, colleague, text="done one")
    services.commitment_confirm(commitment=done, person=colleague)
    ask(colleague, member, text="asked one")

    def texts(query):
        return [c["text"] for c in call(api, member, "GET", f"/commitments{query}").json()["items"]]

    assert texts("") == ["open one"]
    assert texts("?show=closed") == ["done one"]
    assert sorted(texts("?show=all")) == ["done one", "open one"]
    assert texts("?state=done") == ["done one"]
    assert texts("?tab=asked") == ["asked one"]
    assert texts("?tab=to_me") == []
    assert call(api, member, "GET", "/commitments?state=maybe").status_code == 422
    assert open_one.pk


@pytest.mark.parametrize("tab", ["promised", "to_me", "asked"])
def test_the_list_takes_the_same_queries_however_long(
    api, org, member, tab, django_assert_max_num_queries
):
    people = [PersonFactory(organization=org, user__password=None) for _ in range(3)]
    headers = bearer(member)

    def add(n):
        for i in range(n):
            promise(member, *people[: 1 + i % 3])
            promise(people[i % 3], member)
            ask(people[i % 3], member)

    add(2)
    with django_assert_max_num_queries(40) as small:
        assert send(api, "GET", f"/commitments?tab={tab}", headers=headers).json()["count"] == 2
    add(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = send(api, "GET", f"/commitments?tab={tab}", headers=headers).json()
    assert body["count"] == 32 and len(body["items"]) == 25


def test_settings_read_and_update(api, member):
    assert call(api, member, "GET", "/commitments/settings").json() == {
        "reminder_minutes": [1440, 120],
        "share_record": False,
    }
    updated = call(
        api,
        member,
        "PUT",
        "/commitments/settings",
        {"reminder_minutes": [30, 180], "share_record": True},
    )
    assert updated.json() == {"reminder_minutes": [180, 30], "share_record": True}
    bad = call(
        api, member, "PUT", "/commitments/settings", {"reminder_minutes": [0], "share_record": True}
    )
    assert bad.status_code == 422
