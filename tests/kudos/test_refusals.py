"""Every refused thank-you says why, in the same words on the page and through the API, and
saves nothing: thanking yourself, someone outside the organisation or who has left, an empty
or oversized message, and going over the organisation's daily limit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rapport.kudos.models import Kudos, KudosSettings
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.people.models import Person
from tests.api import bearer, send
from tests.conftest import client_for
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

SELF = "Thanking yourself is kind, but kudos are for other people."
OUTSIDE = "You can only thank people in your own organisation."
EMPTY = "Write a few words: an empty message says nothing."
TOO_LONG = "Keep it to 500 characters"


def _left(person: Person) -> Person:
    person.status = Person.Status.LEFT
    person.save(update_fields=["status"])
    return person


def _nothing_saved() -> None:
    assert not Kudos.objects.exists()
    assert not Interaction.objects.exists()
    assert not Notification.objects.exists()


CASES = [
    pytest.param("SELF", "Thanks, me", SELF, id="yourself"),
    pytest.param("OUTSIDER", "Thanks", OUTSIDE, id="another-organisation"),
    pytest.param("LEFT", "Thanks", "Tomás Teammate has left the organisation", id="left"),
    pytest.param("MATE", "   \n ", EMPTY, id="empty"),
    pytest.param("MATE", "x" * 501, TOO_LONG, id="oversized"),
]


def _receiver(key: str, *, member: Person, teammate: Person, outsider: Person) -> Person:
    if key == "LEFT":
        return _left(teammate)
    return {"SELF": member, "OUTSIDER": outsider, "MATE": teammate}[key]


@pytest.mark.parametrize(("who", "message", "explanation"), CASES)
def test_the_give_page_says_why(member, teammate, outsider, who, message, explanation):
    receiver = _receiver(who, member=member, teammate=teammate, outsider=outsider)
    response = client_for(member).post(
        reverse("kudos:give"),
        {"receivers": [receiver.pk], "message": message, "audience": "team"},
    )
    assert response.status_code == 200
    assert explanation in response.content.decode()
    _nothing_saved()


@pytest.mark.parametrize(("who", "message", "explanation"), CASES)
def test_the_api_says_why(member, teammate, outsider, who, message, explanation):
    receiver = _receiver(who, member=member, teammate=teammate, outsider=outsider)
    response = send(
        Client(),
        "POST",
        "/kudos",
        {"receivers": [receiver.pk], "message": message},
        headers=bearer(member),
    )
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert explanation in body["detail"] or any(
        explanation in e["message"] for e in body["errors"]
    ), body
    _nothing_saved()


def test_the_give_page_lists_only_people_who_can_be_thanked(member, teammate, org):
    gone = _left(PersonFactory(organization=org, display_name="Gus Gone", user__password=None))
    page = client_for(member).get(reverse("kudos:give")).content.decode()
    assert "Tomás Teammate" in page
    assert "Gus Gone" not in page and f'value="{gone.pk}"' not in page
    assert f'value="{member.pk}"' not in page  # not yourself


def test_the_daily_limit_says_why_on_the_page_and_through_the_api(member, teammate):
    KudosSettings.objects.create(organization=member.organization, daily_limit=2)
    page = {"receivers": [teammate.pk], "message": "Thanks", "audience": "team"}
    api = {"receivers": [teammate.pk], "message": "Thanks"}
    # 23:00 in Berlin on the 10th (21:00 UTC): the giver's own day is what counts.
    with time_machine.travel(datetime(2026, 3, 10, 21, 0, tzinfo=UTC), tick=False):
        member.time_zone = "Europe/Berlin"
        member.save(update_fields=["time_zone"])
        assert client_for(member).post(reverse("kudos:give"), page).status_code == 302
        assert send(Client(), "POST", "/kudos", api, headers=bearer(member)).status_code == 201
        refused_page = client_for(member).post(reverse("kudos:give"), page)
        refused_api = send(Client(), "POST", "/kudos", api, headers=bearer(member))
    expected = "You have given 2 thank-yous today, the most your organisation allows in a day."
    assert expected in refused_page.content.decode()
    assert refused_api.status_code == 422 and expected in refused_api.json()["detail"]
    assert Kudos.objects.count() == 2
    # An hour later it is the 11th in Berlin: a new day, a new allowance.
    with time_machine.travel(datetime(2026, 3, 10, 23, 0, tzinfo=UTC), tick=False):
        assert send(Client(), "POST", "/kudos", api, headers=bearer(member)).status_code == 201
