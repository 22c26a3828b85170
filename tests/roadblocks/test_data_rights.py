"""Data rights: my roadblocks come back decrypted to me alone; erasure deletes them."""

from __future__ import annotations

import pytest

from rapport.people.data_rights import person_data_erase, person_data_export
from rapport.people.models import Person
from rapport.roadblocks import services
from rapport.roadblocks.models import Outcome, Roadblock, TalkInvitation
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(org):
    return PersonFactory(organization=org, display_name="Sam Okafor")


def note(author, person, words="Mia's own words"):
    return services.roadblock_create(
        author=author, person=person, what_happened=words, how_i_felt="tired",
        what_i_need="rest", what_i_will_ask="share the load",
    )  # fmt: skip


def test_my_export_holds_my_roadblocks_in_plain_text_and_invitations_i_received(member, sam):
    mine = note(member, sam)
    services.roadblock_invite(roadblock=mine, message="Talk soon?")
    services.roadblock_record_outcome(roadblock=mine, outcome=Outcome.TALKED_ONGOING)
    theirs = note(sam, member, words="Sam's own words")
    services.roadblock_invite(roadblock=theirs, message="Could we talk?")

    section = person_data_export(person=member)["roadblocks"]
    [exported] = section["roadblocks"]
    assert exported["what_happened"] == "Mia's own words" and exported["with"] == "Sam Okafor"
    assert exported["outcome"] == "talked_ongoing"
    assert exported["invitation_sent"]["message"] == "Talk soon?"
    [received] = section["invitations_received"]
    assert {k: v for k, v in received.items() if k != "created"} == {
        "from": "Sam Okafor", "message": "Could we talk?", "status": "pending",
        "proposed_time": None, "note": "",
    }  # fmt: skip
    # Someone else's roadblock about me never appears in my export.
    assert "Sam's own words" not in str(section)
    assert "Mia's own words" not in str(person_data_export(person=sam)["roadblocks"])


def test_erasing_a_person_deletes_their_roadblocks_and_invitations(member, sam, admin):
    note(member, sam)
    kept = note(sam, admin, words="Sam's note stays")
    services.roadblock_invite(roadblock=note(sam, member, words="about Mia"), message="Talk?")
    Person.objects.filter(pk=member.pk).update(status=Person.Status.LEFT)
    member.refresh_from_db()
    person_data_erase(actor=admin, person=member)
    assert list(Roadblock.objects.filter(author=member)) == []
    assert not TalkInvitation.objects.filter(recipient=member).exists()
    assert Roadblock.objects.filter(pk=kept.pk).exists()
