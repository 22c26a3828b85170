"""My check-ins and messages in my data export, and gone when an admin erases me."""

from __future__ import annotations

import pytest

from rapport.checkins.models import CheckIn, CheckOn, CheckOnReply
from rapport.checkins.services import check_on_reply, check_on_send, checkin_save
from rapport.people.data_rights import person_data_erase, person_data_export
from rapport.people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_my_export_holds_my_check_ins_and_conversations(member, org):
    sam = PersonFactory(organization=org, display_name="Sam")
    checkin_save(person=member, mood=2, note="Rough sprint", visibility="team_note")
    sent = check_on_send(sender=member, recipient=sam, message="Coffee?")
    check_on_reply(check_on=sent, author=sam, message="Yes!")
    check_on_send(sender=sam, recipient=member, message="You okay?")
    PersonFactory(organization=org)  # and nothing of anyone else
    data = person_data_export(person=member)["checkins"]
    [checkin] = data["checkins"]
    assert (checkin["mood"], checkin["note"], checkin["visibility"]) == (
        2,
        "Rough sprint",
        "team_note",
    )
    assert [
        (m["from"], m["message"], [r["message"] for r in m["replies"]]) for m in data["messages"]
    ] == [
        ("Mia Member", "Coffee?", ["Yes!"]),
        ("Sam", "You okay?", []),
    ]


def test_erasure_deletes_my_check_ins_messages_and_replies(member, org, admin):
    sam = PersonFactory(organization=org)
    checkin_save(person=member, mood=2, note="Rough sprint")
    mine = check_on_send(sender=member, recipient=sam, message="Coffee?")
    theirs = check_on_send(sender=sam, recipient=member, message="You okay?")
    check_on_reply(check_on=theirs, author=member, message="Not really")
    check_on_reply(check_on=theirs, author=sam, message="Here if you need me")
    Person.objects.filter(pk=member.pk).update(status=Person.Status.LEFT)
    member.refresh_from_db()
    person_data_erase(actor=admin, person=member)
    assert not CheckIn.objects.filter(person=member).exists()
    assert not CheckOn.objects.filter(pk=mine.pk).exists()
    # Sam's own words stay in Sam's thread; mine are gone from it.
    assert list(CheckOnReply.objects.values_list("message", flat=True)) == ["Here if you need me"]
    assert CheckOn.objects.filter(pk=theirs.pk).exists()
