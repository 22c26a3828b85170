"""GET /me/ties: my strongest ties, and nobody else's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import InteractionFactory

from . import API, bearer, colleague

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_member(client, member):
    client.defaults["HTTP_AUTHORIZATION"] = bearer(member)["Authorization"]
    client.get(f"{API}/me")  # the token's first use writes last_used_at
    return client


def test_my_ties_strongest_first_in_either_direction(as_member, member, lead, org):
    close = colleague(org, display_name="Close Colleague")
    InteractionFactory(actor=member, other=close, weight=3.0)
    InteractionFactory(actor=close, other=member, weight=2.0)
    InteractionFactory(actor=lead, other=member, weight=1.0)
    items = as_member.get(f"{API}/me/ties").json()["items"]
    assert [(t["person"]["id"], t["person"]["display_name"]) for t in items] == [
        (close.pk, "Close Colleague"),
        (lead.pk, "Lee Lead"),
    ]
    assert items[0]["strength"] > items[1]["strength"] > 0
    assert set(items[0]["person"]) == {"id", "display_name", "title", "status"}


def test_other_peoples_ties_are_not_mine(as_member, member, lead, org):
    InteractionFactory(actor=lead, other=colleague(org), weight=5.0)
    assert as_member.get(f"{API}/me/ties").json() == {"items": []}


def test_the_limit(as_member, member, org):
    for weight in range(1, 6):
        InteractionFactory(actor=member, other=colleague(org), weight=float(weight))
    assert len(as_member.get(f"{API}/me/ties", {"limit": 3}).json()["items"]) == 3
    for bad in ("0", "51", "abc", "99999999999999999999"):
        response = as_member.get(f"{API}/me/ties", {"limit": bad})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "limit"


def test_ties_take_the_same_queries_for_3_or_30_people(
    as_member, member, org, django_assert_num_queries
):
    def grow(n):
        for _ in range(n):
            InteractionFactory(actor=member, other=colleague(org))

    grow(3)
    with CaptureQueriesContext(connection) as few:
        as_member.get(f"{API}/me/ties", {"limit": 50})
    grow(27)
    with django_assert_num_queries(len(few.captured_queries)):
        items = as_member.get(f"{API}/me/ties", {"limit": 50}).json()["items"]
    assert len(items) == 30
