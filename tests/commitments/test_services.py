"""The services: each move, what it records, whom it tells, and every refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from rapport.commitments import services
from rapport.commitments.models import (
    Commitment,
    CommitmentEvent,
    CommitmentReminder,
)
from rapport.commitments.states import EventKind, Outcome, State
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.people.models import Person
from tests.factories import PersonFactory

from .factories import ask, promise

pytestmark = pytest.mark.django_db


def updates(person):
    return Notification.objects.filter(recipient=person, type="commitment_update")


def ledger(kind):
    return list(Interaction.objects.filter(kind=kind).values_list("actor_id", "other_id"))


# --- making --------------------------------------------------------------------------------


def test_a_promise_is_open_for_its_receivers_with_reminders_planned(member, colleague, third):
    now = timezone.now()
    c = promise(member, colleague, third, due_in=timedelta(days=3), now=now)
    assert c.state == State.OPEN
    assert set(c.receivers.all()) == {colleague, third}
    assert list(c.events.values_list("kind", flat=True)) == [EventKind.PROMISED]
    offsets = sorted(CommitmentReminder.objects.values_list("offset_minutes", flat=True))
    assert offsets == [0, 120, 1440]
    assert updates(colleague).get().title.startswith("Mia Member promised you")
    assert updates(third).count() == 1
    assert not updates(member).exists()
    assert not Interaction.objects.exists()  # nothing kept yet


def test_a_promise_due_soon_skips_reminders_whose_time_has_gone(member, colleague):
    promise(member, colleague, due_in=timedelta(hours=5))
    assert sorted(CommitmentReminder.objects.values_list("offset_minutes", flat=True)) == [0, 120]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"due_in": -timedelta(minutes=1)}, "due_at", "already passed"),
        ({"text": "   "}, "text", "Say what you will do"),
        ({"text": "x" * 281}, "text", "280 characters or fewer (this is 281)"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(
    member, colleague, change, field, message
):
    with pytest.raises(ValidationError) as caught:
        promise(member, colleague, **change)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Commitment.objects.exists()
    assert not Notification.objects.exists()
    assert not CommitmentEvent.objects.exists()


def test_a_promise_to_yourself_outsiders_or_people_who_left_is_refused(
    member, colleague, outsider, org
):
    gone = PersonFactory(organization=org, display_name="Gwen Gone", status=Person.Status.LEFT)
    for receivers, message in [
        ([member], "leave yourself out"),
        ([outsider], "Only people in your organisation"),
        ([gone], "Gwen Gone has left"),
        ([], "Choose who you promise this to"),
        ([colleague, outsider], "Only people in your organisation"),
    ]:
        with pytest.raises(ValidationError) as caught:
            promise(member, *receivers)
        assert message in caught.value.message_dict["receiver_ids"][0]
    assert not Commitment.objects.exists()


def test_every_problem_is_reported_at_once(member, outsider):
    with pytest.raises(ValidationError) as caught:
        promise(member, outsider, text="", due_in=-timedelta(days=1))
    assert set(caught.value.message_dict) == {"text", "due_at", "receiver_ids"}


# --- asking --------------------------------------------------------------------------------


def test_asking_waits_for_an_answer_and_tells_the_person_asked(member, colleague):
    c = ask(member, colleague)
    assert c.state == State.ASKED
    assert c.promiser == colleague and c.asked_by == member
    assert list(c.receivers.all()) == [member]
    assert updates(colleague).get().title == "Mia Member asked you: look over my slides"
    assert not CommitmentReminder.objects.exists()  # no promise yet, no reminders


def test_accepting_opens_it_with_reminders_and_tells_the_asker(member, colleague):
    c = ask(member, colleague)
    services.commitment_accept(commitment=c, person=colleague)
    c.refresh_from_db()
    assert c.state == State.OPEN
    assert CommitmentReminder.objects.filter(commitment=c).count() == 3
    assert updates(member).get().title.startswith("Cole Colleague accepted")


def test_accepting_with_another_date(member, colleague):
    c = ask(member, colleague)
    later = c.due_at + timedelta(days=2)
    services.commitment_accept(commitment=c, person=colleague, due_at=later)
    c.refresh_from_db()
    assert c.due_at == later and c.original_due_at == later - timedelta(days=2)
    assert "different date" in updates(member).get().body


def test_an_ask_whose_date_passed_needs_a_new_date_to_accept(member, colleague):
    c = ask(member, colleague, due_in=timedelta(hours=1))
    with pytest.raises(ValidationError, match="accept with a new due time"):
        services.commitment_accept(
            commitment=c, person=colleague, now=timezone.now() + timedelta(hours=2)
        )
    c.refresh_from_db()
    assert c.state == State.ASKED


def test_declining_needs_a_note_and_tells_the_asker(member, colleague):
    c = ask(member, colleague)
    with pytest.raises(ValidationError, match="short note"):
        services.commitment_decline(commitment=c, person=colleague, note=" ")
    services.commitment_decline(commitment=c, person=colleague, note="Full this week, sorry")
    c.refresh_from_db()
    assert c.state == State.DECLINED
    assert updates(member).get().body == "Full this week, sorry"


def test_only_the_person_asked_can_answer(member, colleague):
    c = ask(member, colleague)
    with pytest.raises(PermissionDenied):
        services.commitment_accept(commitment=c, person=member)


def test_an_ask_of_yourself_is_refused(member):
    with pytest.raises(ValidationError, match="leave yourself out"):
        ask(member, member)


# --- renegotiating -------------------------------------------------------------------------


def test_renegotiating_early_keeps_it_open_records_trust_and_moves_reminders(
    member, colleague, third
):
    now = timezone.now()
    c = promise(member, colleague, third, due_in=timedelta(days=2), now=now)
    old_due = c.due_at
    new_due = old_due + timedelta(days=3)
    services.commitment_renegotiate(
        commitment=c, person=member, due_at=new_due, message="Waiting on data", now=now
    )
    c.refresh_from_db()
    assert (c.state, c.due_at, c.renegotiations, c.renegotiated_late) == (
        State.OPEN,
        new_due,
        1,
        False,
    )
    event = c.events.get(kind=EventKind.RENEGOTIATED)
    assert (event.old_due_at, event.new_due_at, event.early, event.note) == (
        old_due,
        new_due,
        True,
        "Waiting on data",
    )
    assert sorted(ledger(Kind.COMMITMENT_RENEGOTIATED)) == sorted(
        [(member.pk, colleague.pk), (member.pk, third.pk)]
    )
    assert set(CommitmentReminder.objects.values_list("due_at", flat=True)) == {new_due}
    assert "Waiting on data" in updates(colleague).latest("created_at", "id").body


def test_renegotiating_after_the_due_time_counts_as_late(member, colleague):
    now = timezone.now()
    c = promise(member, colleague, due_in=timedelta(hours=3), now=now)
    later = now + timedelta(hours=4)
    services.commitment_renegotiate(
        commitment=c, person=member, due_at=later + timedelta(days=1), message="Sorry", now=later
    )
    c.refresh_from_db()
    assert c.renegotiated_late and c.events.get(kind=EventKind.RENEGOTIATED).early is False
    assert not ledger(Kind.COMMITMENT_RENEGOTIATED)
    services.commitment_deliver(commitment=c, person=member, now=later + timedelta(hours=1))
    services.commitment_confirm(commitment=c, person=colleague, now=later + timedelta(hours=2))
    c.refresh_from_db()
    assert c.outcome == Outcome.LATE
    assert ledger(Kind.COMMITMENT_LATE) == [(member.pk, colleague.pk)]


@pytest.mark.parametrize(
    ("due_shift", "message", "field"),
    [
        (-timedelta(hours=1), "already passed", "due_at"),
        (None, "", "message"),
    ],
)
def test_a_renegotiation_to_the_past_or_without_a_message_changes_nothing(
    member, colleague, due_shift, message, field
):
    now = timezone.now()
    c = promise(member, colleague, now=now)
    due = now + due_shift if due_shift else c.due_at + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        services.commitment_renegotiate(
            commitment=c, person=member, due_at=due, message="" if field == "message" else "x"
        )
    assert field in caught.value.message_dict
    c.refresh_from_db()
    assert c.renegotiations == 0
    assert not c.events.filter(kind=EventKind.RENEGOTIATED).exists()


def test_a_closed_promise_cannot_be_renegotiated(member, colleague):
    c = promise(member, colleague)
    services.commitment_confirm(commitment=c, person=colleague)
    with pytest.raises(ValidationError, match="done, so it can't be renegotiated any more"):
        services.commitment_renegotiate(
            commitment=c, person=member, due_at=c.due_at + timedelta(days=1), message="more time"
        )


def test_only_the_promiser_renegotiates_and_strangers_get_404(member, colleague, third):
    c = promise(member, colleague)
    new_due = c.due_at + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.commitment_renegotiate(
            commitment=c, person=colleague, due_at=new_due, message="hmm"
        )
    with pytest.raises(Http404):
        services.commitment_renegotiate(commitment=c, person=third, due_at=new_due, message="hmm")


# --- delivering, confirming, objecting, releasing ------------------------------------------


def test_delivered_and_confirmed_on_time_is_kept(member, colleague, third):
    c = promise(member, colleague, third)
    services.commitment_deliver(commitment=c, person=member, note="In the shared folder")
    assert "In the shared folder" in updates(colleague).latest("created_at", "id").body
    services.commitment_confirm(commitment=c, person=third)
    c.refresh_from_db()
    assert (c.state, c.outcome) == (State.DONE, Outcome.ON_TIME)
    assert c.settled_at is not None
    assert sorted(ledger(Kind.COMMITMENT_KEPT)) == sorted(
        [(member.pk, colleague.pk), (member.pk, third.pk)]
    )
    assert updates(member).get().title.startswith("Tess Third confirmed")
    assert not CommitmentReminder.objects.filter(sent_at__isnull=True).exists()


def test_renegotiated_early_then_kept(member, colleague):
    c = promise(member, colleague)
    services.commitment_renegotiate(
        commitment=c, person=member, due_at=c.due_at + timedelta(days=2), message="Next week"
    )
    services.commitment_deliver(commitment=c, person=member)
    services.commitment_confirm(commitment=c, person=colleague)
    c.refresh_from_db()
    assert c.outcome == Outcome.RENEGOTIATED_EARLY
    assert ledger(Kind.COMMITMENT_KEPT) == [(member.pk, colleague.pk)]


def test_the_receiver_may_confirm_without_a_delivery(member, colleague):
    c = promise(member, colleague)
    services.commitment_confirm(commitment=c, person=colleague)
    c.refresh_from_db()
    assert c.state == State.DONE and c.delivered_at is not None


def test_an_objection_reopens_with_a_note(member, colleague):
    c = promise(member, colleague)
    services.commitment_deliver(commitment=c, person=member)
    with pytest.raises(ValidationError, match="still missing"):
        services.commitment_object(commitment=c, person=colleague, note="")
    services.commitment_object(commitment=c, person=colleague, note="Page 3 is missing")
    c.refresh_from_db()
    assert c.state == State.OPEN and c.delivered_at is None
    assert updates(member).get().body == "Page 3 is missing"
    assert CommitmentReminder.objects.filter(commitment=c, sent_at__isnull=True).count() == 3


def test_releasing_lets_the_promiser_off(member, colleague):
    c = promise(member, colleague)
    services.commitment_release(commitment=c, person=colleague)
    c.refresh_from_db()
    assert c.state == State.RELEASED and c.outcome == ""
    assert updates(member).get().title.startswith("Cole Colleague let you off")
    assert not CommitmentReminder.objects.filter(sent_at__isnull=True).exists()
    with pytest.raises(ValidationError, match="released"):
        services.commitment_deliver(commitment=c, person=member)


def test_the_promiser_cannot_confirm_their_own_promise(member, colleague):
    c = promise(member, colleague)
    services.commitment_deliver(commitment=c, person=member)
    with pytest.raises(PermissionDenied):
        services.commitment_confirm(commitment=c, person=member)


# --- the sweeps ----------------------------------------------------------------------------


def test_a_promise_past_due_with_no_update_is_missed_once(member, colleague):
    now = timezone.now()
    c = promise(member, colleague, due_in=timedelta(hours=1), now=now)
    assert services.commitments_mark_missed(now=now + timedelta(minutes=59)) == 0
    after = now + timedelta(hours=1, minutes=5)
    assert services.commitments_mark_missed(now=after) == 1
    assert services.commitments_mark_missed(now=after) == 0
    c.refresh_from_db()
    assert (c.state, c.outcome) == (State.MISSED, Outcome.MISSED)
    assert ledger(Kind.COMMITMENT_MISSED) == [(member.pk, colleague.pk)]
    assert updates(colleague).latest("created_at", "id").title.startswith("Past its due time")
    reminder = Notification.objects.get(recipient=member, type="commitment_reminder")
    assert reminder.title.startswith("Due now")


def test_a_missed_promise_can_still_be_kept_late(member, colleague):
    now = timezone.now()
    c = promise(member, colleague, due_in=timedelta(hours=1), now=now)
    services.commitments_mark_missed(now=now + timedelta(hours=2))
    services.commitment_deliver(commitment=c, person=member, now=now + timedelta(hours=3))
    services.commitment_confirm(commitment=c, person=colleague, now=now + timedelta(hours=4))
    c.refresh_from_db()
    assert c.outcome == Outcome.LATE
    assert ledger(Kind.COMMITMENT_MISSED) == [(member.pk, colleague.pk)]
    assert ledger(Kind.COMMITMENT_LATE) == [(member.pk, colleague.pk)]


def test_letting_someone_off_a_missed_promise_keeps_it_missed_in_the_record(member, colleague):
    now = timezone.now()
    c = promise(member, colleague, due_in=timedelta(hours=1), now=now)
    services.commitments_mark_missed(now=now + timedelta(hours=2))
    services.commitment_release(commitment=c, person=colleague, now=now + timedelta(hours=3))
    c.refresh_from_db()
    assert (c.state, c.outcome) == (State.RELEASED, Outcome.MISSED)


def test_a_delivery_nobody_objects_to_counts_as_done_after_three_days(member, colleague):
    now = timezone.now()
    c = promise(member, colleague, due_in=timedelta(days=1), now=now)
    services.commitment_deliver(commitment=c, person=member, now=now)
    assert (
        services.commitments_auto_confirm(now=now + timedelta(days=3) - timedelta(minutes=1)) == 0
    )
    assert services.commitments_auto_confirm(now=now + timedelta(days=3)) == 1
    assert services.commitments_auto_confirm(now=now + timedelta(days=4)) == 0
    c.refresh_from_db()
    assert (c.state, c.outcome) == (State.DONE, Outcome.ON_TIME)
    assert c.events.filter(kind=EventKind.AUTO_CONFIRMED, actor__isnull=True).exists()
    assert ledger(Kind.COMMITMENT_KEPT) == [(member.pk, colleague.pk)]
    assert updates(member).get().title.startswith("Counted as done")


def test_an_objected_delivery_is_not_auto_confirmed(member, colleague):
    now = timezone.now()
    c = promise(member, colleague, due_in=timedelta(days=5), now=now)
    services.commitment_deliver(commitment=c, person=member, now=now)
    services.commitment_object(commitment=c, person=colleague, note="Not yet", now=now)
    assert services.commitments_auto_confirm(now=now + timedelta(days=4)) == 0
