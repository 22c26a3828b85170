"""Roadblock services: validation, privacy of what leaves the author's view, the ledger,
invitations, outcomes and the idempotent, DST-safe reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from rapport.audit.models import AuditEvent
from rapport.audit.services import SealedDataError, audit_record
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.notifications.types import NotificationType
from rapport.people.models import Person
from rapport.roadblocks import services
from rapport.roadblocks.models import (
    MAX_FIELD,
    InvitationStatus,
    Outcome,
    Roadblock,
    TalkInvitation,
)
from rapport.roadblocks.tasks import send_roadblock_reminders
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PARTS = {
    "what_happened": "You always skip my design reviews.",
    "how_i_felt": "frustrated",
    "what_i_need": "to know my work is seen",
    "what_i_will_ask": "agree on a review slot each week",
}


@pytest.fixture
def sam(org):
    return PersonFactory(organization=org, display_name="Sam Okafor")


def create(author, **overrides):
    return services.roadblock_create(author=author, **{"person": None, **PARTS, **overrides})


def test_it_stores_every_text_encrypted_and_drafts_an_opener(member, sam):
    roadblock = create(member, person=sam)
    assert roadblock.opener.startswith("Hi Sam, I noticed you always skip my design reviews.")
    assert roadblock.opener.endswith("Could we agree on a review slot each week?")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT what_happened, how_i_felt, what_i_need, what_i_will_ask, opener, situation "
            "FROM roadblocks_roadblock WHERE id = %s",
            [roadblock.pk],
        )
        raw = cursor.fetchone()
    for column in raw:
        assert "skip" not in column and "frustrated" not in column and column.startswith("gAAAA")


def test_it_refuses_yourself_a_person_of_another_org_and_someone_who_left(member, outsider, org):
    gone = PersonFactory(organization=org, status=Person.Status.LEFT, display_name="Gone Person")
    with pytest.raises(ValidationError) as yourself:
        create(member, person=member)
    assert "not yourself" in str(yourself.value)
    with pytest.raises(ValidationError, match="in your organisation"):
        create(member, person=outsider)
    with pytest.raises(ValidationError, match="has left"):
        create(member, person=gone)
    assert not Roadblock.objects.exists()


def test_it_needs_a_person_or_a_situation_and_every_part(member):
    with pytest.raises(ValidationError) as missing:
        create(member)
    assert "situation" in missing.value.message_dict
    with pytest.raises(ValidationError) as empty:
        create(member, situation="Release week", how_i_felt="   ")
    assert list(empty.value.message_dict) == ["how_i_felt"]
    with pytest.raises(ValidationError) as long:
        create(member, situation="Release week", what_i_need="x" * (MAX_FIELD + 1))
    assert "keep it to" in long.value.message_dict["what_i_need"][0]
    with pytest.raises(ValidationError, match="between 1 and 14"):
        create(member, situation="Release week", remind_after_days=15)
    assert not Roadblock.objects.exists()


def test_nothing_about_a_roadblock_reaches_the_audit_log(member, sam):
    roadblock = create(member, person=sam)
    services.roadblock_record_outcome(roadblock=roadblock, outcome=Outcome.TALKED_RESOLVED)
    assert not AuditEvent.objects.exists()
    with pytest.raises(SealedDataError):
        audit_record(organization=member.organization, actor=member, action="settings_changed",
                     target=roadblock)  # fmt: skip


def test_talking_it_through_records_one_talked_interaction_and_nothing_else(member, sam):
    roadblock = create(member, person=sam)
    services.roadblock_record_outcome(roadblock=roadblock, outcome=Outcome.TALKED_ONGOING)
    services.roadblock_record_outcome(roadblock=roadblock, outcome=Outcome.TALKED_RESOLVED)
    [interaction] = Interaction.objects.all()
    assert (interaction.actor, interaction.other, interaction.kind) == (member, sam, Kind.TALKED)
    assert interaction.source_id == roadblock.pk
    # The other person is told nothing.
    assert not Notification.objects.filter(recipient=sam).exists()
    roadblock.refresh_from_db()
    assert roadblock.outcome == Outcome.TALKED_RESOLVED and roadblock.next_reminder_at is None


@pytest.mark.parametrize("outcome", [Outcome.LET_GO, Outcome.NEED_HELP])
def test_other_outcomes_leave_the_ledger_alone(member, sam, outcome):
    roadblock = create(member, person=sam)
    services.roadblock_record_outcome(roadblock=roadblock, outcome=outcome)
    assert not Interaction.objects.exists()


def test_a_situation_talked_through_has_nobody_to_record(member):
    roadblock = create(member, situation="The release process")
    services.roadblock_record_outcome(roadblock=roadblock, outcome=Outcome.TALKED_RESOLVED)
    assert not Interaction.objects.exists()


def test_an_unknown_outcome_is_refused(member):
    roadblock = create(member, situation="The release process")
    with pytest.raises(ValidationError, match="Choose one of"):
        services.roadblock_record_outcome(roadblock=roadblock, outcome="shrugged")


def test_the_suggested_opener_comes_with_the_tone_coachs_flags(member, sam):
    suggestion = services.roadblock_suggest_opener(roadblock=create(member, person=sam))
    assert suggestion.tone.flagged
    assert "absolute" in suggestion.tone.kinds
    assert suggestion.tone.text == suggestion.opener


def test_update_changes_only_what_is_given_and_keeps_the_person_after_an_invitation(member, sam):
    roadblock = create(member, person=sam)
    updated = services.roadblock_update(roadblock=roadblock, opener="  Could we talk?  ")
    assert updated.opener == "Could we talk?" and updated.how_i_felt == "frustrated"
    services.roadblock_invite(roadblock=roadblock, message="Could we talk?")
    other = PersonFactory(organization=member.organization)
    with pytest.raises(ValidationError, match="person stays the same"):
        services.roadblock_update(roadblock=roadblock, person=other)
    with pytest.raises(ValidationError):
        services.roadblock_update(roadblock=roadblock, what_happened="")
    roadblock.refresh_from_db()
    assert roadblock.what_happened == PARTS["what_happened"]


def test_an_invitation_tells_the_other_person_only_what_the_author_sent(member, sam):
    roadblock = create(member, person=sam)
    invitation = services.roadblock_invite(roadblock=roadblock, message="Coffee on Thursday?")
    assert invitation.recipient == sam and invitation.message == "Coffee on Thursday?"
    [note] = Notification.objects.filter(recipient=sam)
    assert note.type == NotificationType.TALK_INVITATION
    assert note.title == "Mia Member would like to talk with you"
    assert "skip" not in note.title + note.body
    assert note.url == f"/roadblocks/invitations/{invitation.pk}/"


def test_an_invitation_is_refused_for_a_situation_twice_after_an_outcome_and_empty(member, sam):
    with pytest.raises(ValidationError, match="nobody to invite"):
        services.roadblock_invite(roadblock=create(member, situation="Stand-ups"), message="Hi")
    roadblock = create(member, person=sam)
    with pytest.raises(ValidationError, match="a few words"):
        services.roadblock_invite(roadblock=roadblock, message="  ")
    services.roadblock_invite(roadblock=roadblock, message="Hi")
    with pytest.raises(ValidationError, match="already invited"):
        services.roadblock_invite(roadblock=roadblock, message="Hi again")
    closed = create(member, person=sam)
    services.roadblock_record_outcome(roadblock=closed, outcome=Outcome.LET_GO)
    with pytest.raises(ValidationError, match="already recorded"):
        services.roadblock_invite(roadblock=closed, message="Hi")
    assert TalkInvitation.objects.count() == 1


def test_someone_on_leave_is_invited_when_they_are_back(member, sam):
    roadblock = create(member, person=sam)
    Person.objects.filter(pk=sam.pk).update(status=Person.Status.ON_LEAVE)
    with pytest.raises(ValidationError, match="on leave"):
        services.roadblock_invite(roadblock=roadblock, message="Hi")


def test_answers_need_a_future_time_to_propose_and_reach_the_sender(member, sam):
    now = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    invitation = services.roadblock_invite(
        roadblock=create(member, person=sam), message="Hi", now=now
    )
    with pytest.raises(ValidationError, match="Say when"):
        services.invitation_respond(invitation=invitation, status="proposed", now=now)
    with pytest.raises(ValidationError, match="future"):
        services.invitation_respond(
            invitation=invitation, status="proposed", proposed_time=now - timedelta(hours=1),
            now=now,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.invitation_respond(invitation=invitation, status="pending", now=now)
    answered = services.invitation_respond(
        invitation=invitation, status="proposed", proposed_time=now + timedelta(days=1),
        note="Tomorrow works", now=now,
    )  # fmt: skip
    assert (
        answered.status == InvitationStatus.PROPOSED and answered.response_note == "Tomorrow works"
    )
    [told] = Notification.objects.filter(recipient=member)
    assert told.title == "Sam Okafor proposed a time to talk"
    assert told.url == f"/roadblocks/{invitation.roadblock_id}/"


def test_reminders_come_after_the_chosen_days_then_every_few_days_until_an_outcome(member, sam):
    created = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)  # a Monday, London is UTC in March
    roadblock = create(member, person=sam, remind_after_days=2, now=created)
    # Wednesday at the start of the author's working day (09:00 London).
    assert roadblock.next_reminder_at == datetime(2025, 3, 5, 9, 0, tzinfo=UTC)
    assert services.roadblock_reminders_send(now=datetime(2025, 3, 5, 8, 59, tzinfo=UTC)) == 0
    wednesday = datetime(2025, 3, 5, 9, 0, tzinfo=UTC)
    assert services.roadblock_reminders_send(now=wednesday) == 1
    assert services.roadblock_reminders_send(now=wednesday) == 0  # a second worker
    roadblock.refresh_from_db()
    assert roadblock.reminders_sent == 1
    assert roadblock.next_reminder_at == datetime(2025, 3, 7, 9, 0, tzinfo=UTC)
    [reminder] = Notification.objects.filter(recipient=member)
    assert reminder.type == NotificationType.ROADBLOCK_REMINDER
    assert reminder.title == "Have you had the chance to talk with Sam Okafor?"
    assert reminder.dedupe_key == f"roadblocks:{roadblock.pk}:reminder:1"
    assert not Notification.objects.filter(recipient=sam).exists()
    services.roadblock_record_outcome(roadblock=roadblock, outcome=Outcome.LET_GO)
    assert services.roadblock_reminders_send(now=datetime(2025, 4, 1, tzinfo=UTC)) == 0


def test_reminders_keep_the_authors_local_time_across_a_dst_change(member, sam):
    # London moves to BST on 30 March 2025: 09:00 local is 08:00 UTC from then on.
    created = datetime(2025, 3, 28, 12, 0, tzinfo=UTC)
    roadblock = create(member, person=sam, remind_after_days=3, now=created)
    assert roadblock.next_reminder_at == datetime(2025, 3, 31, 8, 0, tzinfo=UTC)


def test_the_periodic_task_sends_due_reminders_once(member, sam):
    roadblock = create(member, person=sam, now=datetime(2025, 3, 3, 10, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2025, 3, 6, 12, 0, tzinfo=UTC), tick=False):
        assert send_roadblock_reminders.call(period_key="2025-03-06T12:00:00Z") == 1
        assert send_roadblock_reminders.call(period_key="2025-03-06T12:00:00Z") == 0
    roadblock.refresh_from_db()
    assert roadblock.reminders_sent == 1


def test_changing_the_interval_moves_the_next_reminder(member, sam):
    created = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)
    roadblock = create(member, person=sam, now=created)
    services.roadblock_update(roadblock=roadblock, remind_after_days=7, now=created)
    roadblock.refresh_from_db()
    assert roadblock.next_reminder_at == datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    with pytest.raises(ValidationError):
        services.roadblock_update(roadblock=roadblock, remind_after_days=0, now=created)


def test_reminders_stop_after_ten(member, sam):
    roadblock = create(
        member, person=sam, remind_after_days=1, now=datetime(2025, 3, 3, tzinfo=UTC)
    )
    day = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
    sent = 0
    for _ in range(20):
        sent += services.roadblock_reminders_send(now=day)
        day += timedelta(days=1)
    assert sent == services.MAX_REMINDERS
    roadblock.refresh_from_db()
    assert roadblock.next_reminder_at is None
