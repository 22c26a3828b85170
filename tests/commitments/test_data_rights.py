"""A person's promises in their export, and blanked on erasure."""

from __future__ import annotations

import pytest

from rapport.commitments import services
from rapport.commitments.models import Commitment, CommitmentReminder, CommitmentSettings
from rapport.people.data_rights import person_data_erase, person_data_export
from rapport.people.models import Person

from .factories import ask, promise

pytestmark = pytest.mark.django_db


def test_the_export_holds_promises_on_both_sides_with_their_history(member, colleague):
    promise(member, colleague, text="draft the newsletter")
    ask(colleague, member, text="check the rota")
    services.commitment_settings_update(person=member, reminder_minutes=[60], share_record=True)
    exported = person_data_export(person=member)["commitments"]
    by_text = {p["text"]: p for p in exported["promises"]}
    assert by_text["draft the newsletter"]["my_side"] == "promiser"
    assert by_text["draft the newsletter"]["for"] == ["Cole Colleague"]
    assert by_text["check the rota"]["asked_by"] == "Cole Colleague"
    assert by_text["check the rota"]["history"][0]["what"] == "asked"
    assert exported["settings"] == {"reminder_minutes": [60], "share_record": True}


def test_erasure_blanks_their_words_and_keeps_the_rows(member, colleague, admin):
    made = promise(member, colleague, text="send the secret plan")
    received = promise(colleague, member, text="bring Mia the keys")
    services.commitment_release(commitment=received, person=member, note="Mia says thanks")
    services.commitment_settings_update(person=member, reminder_minutes=[60], share_record=True)
    Person.objects.filter(pk=member.pk).update(status=Person.Status.LEFT)
    member.refresh_from_db()
    person_data_erase(actor=admin, person=member)
    assert set(Commitment.objects.values_list("text", flat=True)) == {"(erased)"}
    assert not received.events.filter(note="Mia says thanks").exists()
    assert not CommitmentReminder.objects.filter(commitment=made).exists()
    assert not CommitmentSettings.objects.exists()
    assert Commitment.objects.count() == 2
