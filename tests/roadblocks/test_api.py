"""The roadblocks API: everything the pages do, with the same privacy and the same refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.people.models import Person
from rapport.roadblocks.models import Roadblock, TalkInvitation
from tests.api import bearer, send
from tests.factories import PersonFactory

from .factories import RoadblockFactory, TalkInvitationFactory

pytestmark = pytest.mark.django_db

BODY = {
    "what_happened": "You always change the plan on Friday evenings.",
    "how_i_felt": "anxious over the weekend",
    "what_i_need": "plans to settle by Thursday",
    "what_i_will_ask": "agree on a Thursday cut-off",
}


@pytest.fixture
def sam(org):
    return PersonFactory(organization=org, display_name="Sam Okafor")


@pytest.fixture
def api(member):
    client = Client(headers=bearer(member))
    return lambda method, path, body=None: send(client, method, path, body)


def test_the_whole_flow_through_the_api(api, member, sam):
    created = api("POST", "/roadblocks", {**BODY, "person_id": sam.pk, "remind_after_days": 5})
    assert created.status_code == 201, created.json()
    roadblock = created.json()
    assert roadblock["person"] == {"id": sam.pk, "display_name": "Sam Okafor"}
    assert roadblock["opener"].startswith("Hi Sam, I noticed you always change the plan")
    assert roadblock["outcome"] is None and roadblock["invitation"] is None
    path = f"/roadblocks/{roadblock['id']}"

    suggested = api("POST", f"{path}/opener").json()
    assert suggested["tone"]["flagged"] is True
    assert {f["kind"] for f in suggested["tone"]["flags"]} >= {"absolute"}
    assert suggested["tone"]["text"] == suggested["opener"]

    edited = api("PATCH", path, {"opener": "Hi Sam, could we agree on a Thursday cut-off?"})
    assert edited.status_code == 200 and edited.json()["opener"].startswith("Hi Sam, could we")
    assert edited.json()["what_happened"] == BODY["what_happened"]

    invited = api("POST", f"{path}/invitation", {"message": "Coffee on Tuesday?"})
    assert invited.status_code == 201 and invited.json()["status"] == "pending"

    sam_client = Client(headers=bearer(sam))
    received = send(sam_client, "GET", "/talk-invitations").json()
    assert received["count"] == 1
    [item] = received["items"]
    assert (
        item["message"] == "Coffee on Tuesday?" and item["sender"]["display_name"] == "Mia Member"
    )
    assert "roadblock" not in item and BODY["what_happened"] not in str(received)
    assert send(sam_client, "GET", path).status_code == 404
    when = (timezone.now() + timedelta(days=1)).isoformat()
    answer = send(sam_client, "POST", f"/talk-invitations/{item['id']}/response",
                  {"status": "proposed", "proposed_time": when})  # fmt: skip
    assert answer.status_code == 200 and answer.json()["status"] == "proposed"

    mine = api("GET", path).json()
    assert mine["invitation"]["status"] == "proposed"
    done = api("POST", f"{path}/outcome", {"outcome": "talked_resolved"})
    assert done.status_code == 200 and done.json()["outcome"] == "talked_resolved"
    assert done.json()["next_reminder_at"] is None
    assert Interaction.objects.filter(actor=member, other=sam, kind=Kind.TALKED).count() == 1

    assert api("DELETE", path).status_code == 204
    assert not Roadblock.objects.exists() and not TalkInvitation.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BODY, "how_i_felt": ""}, "how_i_felt"),
        ({**BODY, "what_happened": "x" * 2001}, "what_happened"),
        ({**BODY, "situation": "x" * 201}, "situation"),
        (BODY, "situation"),  # neither a person nor a situation
        ({**BODY, "situation": "Launch", "remind_after_days": 0}, "remind_after_days"),
        ({**BODY, "situation": "Launch", "colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api, body, field):
    response = api("POST", "/roadblocks", body)
    assert response.status_code == 422, response.json()
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not Roadblock.objects.exists()


def test_people_outside_the_org_who_left_or_yourself_are_refused(api, member, outsider, org):
    gone = PersonFactory(organization=org, status=Person.Status.LEFT)
    for person, words in ((outsider, "in your organisation"), (gone, "has left"),
                          (member, "not yourself")):  # fmt: skip
        response = api("POST", "/roadblocks", {**BODY, "person_id": person.pk})
        assert response.status_code == 422
        assert words in response.json()["detail"]
    assert not Roadblock.objects.exists()


def test_someone_elses_roadblock_is_a_404_for_every_operation_even_for_an_admin(member, admin):
    roadblock = RoadblockFactory(author=member)
    client = Client(headers=bearer(admin))
    path = f"/roadblocks/{roadblock.pk}"
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"opener": "mine now"}),
        ("DELETE", "", None),
        ("POST", "/opener", None),
        ("POST", "/invitation", {"message": "Hi"}),
        ("POST", "/outcome", {"outcome": "let_go"}),
    ]:
        response = send(client, method, path + suffix, body)
        assert response.status_code == 404, (method, suffix)
    roadblock.refresh_from_db()
    assert roadblock.outcome == "" and roadblock.opener != "mine now"
    assert send(client, "GET", "/roadblocks").json()["count"] == 0


def test_an_invitation_is_answered_only_by_its_recipient(member, sam, admin):
    invitation = TalkInvitationFactory(roadblock__author=member, roadblock__person=sam)
    for person in (member, admin):
        client = Client(headers=bearer(person))
        path = f"/talk-invitations/{invitation.pk}"
        assert send(client, "GET", path).status_code == 404
        assert send(client, "POST", f"{path}/response", {"status": "declined"}).status_code == 404
    sam_client = Client(headers=bearer(sam))
    refused = send(sam_client, "POST", f"/talk-invitations/{invitation.pk}/response",
                   {"status": "proposed"})  # fmt: skip
    assert refused.status_code == 422 and "Say when" in refused.json()["detail"]


def test_patch_refuses_null_for_a_part_and_a_bad_interval(api, member):
    roadblock = RoadblockFactory(author=member)
    path = f"/roadblocks/{roadblock.pk}"
    assert api("PATCH", path, {"how_i_felt": None}).status_code == 422
    assert api("PATCH", path, {"remind_after_days": 15}).status_code == 422
    assert api("PATCH", path, {"person_id": None, "situation": "Planning"}).json()["person"] is None


def test_lists_paginate_filter_and_take_constant_queries(
    api, member, django_assert_max_num_queries
):
    def queries(path):
        api("GET", path)  # the token's first use of the minute is recorded: not counted
        with django_assert_max_num_queries(30) as captured:
            assert api("GET", path).status_code == 200
        return len(captured.captured_queries)

    def add(count):
        for i in range(count):
            roadblock = RoadblockFactory(author=member)
            TalkInvitationFactory(roadblock=roadblock)
            TalkInvitationFactory(roadblock__author__organization=member.organization,
                                  recipient=member)  # fmt: skip
            if i % 2:
                roadblock.outcome, roadblock.outcome_at = "let_go", timezone.now()
                roadblock.save()

    add(2)
    few = {p: queries(p) for p in ("/roadblocks", "/talk-invitations")}
    add(10)
    for path, count in few.items():
        assert queries(path) == count, path
    assert api("GET", "/roadblocks?open=true").json()["count"] == 6
    assert api("GET", "/roadblocks?page_size=5&page=3").json()["pages"] == 3
