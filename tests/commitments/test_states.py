"""The state machine: every allowed move, and clear refusals for everything else."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from rapport.commitments.states import (
    CLOSED_STATES,
    MOVES,
    Action,
    Side,
    State,
    actions_for,
    transition,
)


@pytest.mark.parametrize(
    ("action", "state", "side", "target"),
    [
        (Action.ACCEPT, State.ASKED, Side.PROMISER, State.OPEN),
        (Action.DECLINE, State.ASKED, Side.PROMISER, State.DECLINED),
        (Action.RENEGOTIATE, State.OPEN, Side.PROMISER, State.OPEN),
        (Action.RENEGOTIATE, State.MISSED, Side.PROMISER, State.OPEN),
        (Action.DELIVER, State.OPEN, Side.PROMISER, State.DELIVERED),
        (Action.DELIVER, State.MISSED, Side.PROMISER, State.DELIVERED),
        (Action.CONFIRM, State.DELIVERED, Side.RECEIVER, State.DONE),
        (Action.CONFIRM, State.OPEN, Side.RECEIVER, State.DONE),
        (Action.OBJECT, State.DELIVERED, Side.RECEIVER, State.OPEN),
        (Action.RELEASE, State.OPEN, Side.RECEIVER, State.RELEASED),
        (Action.RELEASE, State.ASKED, Side.RECEIVER, State.RELEASED),
        (Action.MISS, State.OPEN, Side.SYSTEM, State.MISSED),
        (Action.AUTO_CONFIRM, State.DELIVERED, Side.SYSTEM, State.DONE),
    ],
)
def test_allowed_moves_lead_where_the_diagram_says(action, state, side, target):
    assert transition(action, state=state, side=side) == target


@pytest.mark.parametrize("state", sorted(CLOSED_STATES))
@pytest.mark.parametrize("action", [a for a in Action if MOVES[a].by != Side.SYSTEM])
def test_nothing_moves_a_closed_promise(state, action):
    with pytest.raises(ValidationError, match="any more"):
        transition(action, state=state, side=MOVES[action].by)
    assert actions_for(state=state, side=Side.PROMISER) == set()
    assert actions_for(state=state, side=Side.RECEIVER) == set()


def test_the_wrong_side_is_told_who_may():
    with pytest.raises(PermissionDenied, match="Only the person who made this promise"):
        transition(Action.DELIVER, state=State.OPEN, side=Side.RECEIVER)
    with pytest.raises(PermissionDenied, match="Only the people this promise is for"):
        transition(Action.CONFIRM, state=State.DELIVERED, side=Side.PROMISER)
    with pytest.raises(PermissionDenied):
        transition(Action.MISS, state=State.OPEN, side=Side.PROMISER)


def test_a_renegotiation_of_a_done_promise_is_refused_in_words():
    with pytest.raises(ValidationError) as caught:
        transition(Action.RENEGOTIATE, state=State.DONE, side=Side.PROMISER)
    assert caught.value.messages == ["This promise is done, so it can't be renegotiated any more."]


def test_what_each_side_may_do_with_an_open_promise():
    assert actions_for(state=State.OPEN, side=Side.PROMISER) == {Action.RENEGOTIATE, Action.DELIVER}
    assert actions_for(state=State.OPEN, side=Side.RECEIVER) == {Action.CONFIRM, Action.RELEASE}


@pytest.mark.django_db
def test_the_database_refuses_a_state_outside_the_machine(member, colleague):
    from tests.commitments.factories import promise

    commitment = promise(member, colleague)
    from rapport.commitments.models import Commitment

    with pytest.raises(IntegrityError):
        Commitment.objects.filter(pk=commitment.pk).update(state="maybe")
