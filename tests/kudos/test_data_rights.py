"""A person's kudos in their data export, and what erasing them does to kudos."""

from __future__ import annotations

import pytest

from rapport.kudos import services
from rapport.kudos.models import Kudos, KudosReaction, KudosReply
from rapport.ledger.models import Interaction
from rapport.people.data_rights import person_data_erase, person_data_export

pytestmark = pytest.mark.django_db


def test_the_export_holds_thanks_given_and_received_replies_and_reactions(
    member, teammate, designer
):
    given = services.kudos_give(giver=member, receivers=[teammate], message="Thanks, Tomás")
    services.kudos_give(
        giver=designer, receivers=[member], message="Thanks, Mia", audience="private"
    )
    services.kudos_reply(kudos=given, author=member, message="And again!")
    services.kudos_react(kudos=given, person=member, kind="clap")
    data = person_data_export(person=member)["kudos"]
    assert [k["message"] for k in data["given"]] == ["Thanks, Tomás"]
    assert data["given"][0]["to"] == ["Tomás Teammate"]
    assert [(k["from"], k["message"]) for k in data["received"]] == [
        ("Dee Designer", "Thanks, Mia")
    ]
    assert [r["message"] for r in data["replies"]] == ["And again!"]
    assert [r["reaction"] for r in data["reactions"]] == ["clap"]


def test_erasing_a_person_blanks_their_words_but_keeps_the_thanks(
    member, teammate, designer, admin
):
    given = services.kudos_give(giver=member, receivers=[teammate], message="Thanks, Tomás")
    received = services.kudos_give(giver=designer, receivers=[member], message="Thanks, Mia")
    services.kudos_reply(kudos=received, author=member, message="Aw, thank you")
    services.kudos_reply(kudos=received, author=designer, message="You earned it")
    services.kudos_react(kudos=received, person=member, kind="love")
    member.status = "left"
    member.save()
    person_data_erase(actor=admin, person=member)
    given.refresh_from_db()
    received.refresh_from_db()
    assert given.message == ""
    assert received.message == "Thanks, Mia"  # Dee's words, not Mia's
    assert sorted(KudosReply.objects.values_list("message", flat=True)) == ["", "You earned it"]
    assert not KudosReaction.objects.exists()
    assert Kudos.objects.count() == 2
    assert Interaction.objects.count() == 2  # the ledger keeps the ties
