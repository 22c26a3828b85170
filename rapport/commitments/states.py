"""The life of a promise, in one place: its states, who may move it, and where to.

    asked ──accept──> open ──deliver──> delivered ──confirm / 3 days──> done
      │                │ ↺ renegotiate     │ object (back to open)
      └─decline─> declined                 │
      open ──confirm (receiver)──> done    │
      open ──due time passes──> missed ──deliver / renegotiate (late)──> delivered / open
      asked, open, missed ──release (receiver)──> released

A renegotiation keeps the promise open with a new due time. Made before the due time it
counts as keeping trust; made after it (or from `missed`), the promise is late however it
ends. Delivering after the due time is "kept late". `done`, `released` and `declined` are
closed: nothing moves them any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models


class State(models.TextChoices):
    ASKED = "asked", "waiting for an answer"
    OPEN = "open", "open"
    DELIVERED = "delivered", "delivered, waiting for confirmation"
    DONE = "done", "done"
    RELEASED = "released", "released"
    DECLINED = "declined", "declined"
    MISSED = "missed", "missed"


#: States in which something is still expected of someone.
ACTIVE_STATES = frozenset({State.ASKED, State.OPEN, State.DELIVERED, State.MISSED})
CLOSED_STATES = frozenset({State.DONE, State.RELEASED, State.DECLINED})


class Outcome(models.TextChoices):
    """How a promise ended, for the follow-through record."""

    ON_TIME = "on_time", "Kept on time"
    RENEGOTIATED_EARLY = "renegotiated_early", "Renegotiated early, then kept"
    LATE = "late", "Kept late"
    MISSED = "missed", "Missed"


class EventKind(models.TextChoices):
    PROMISED = "promised", "promised"
    ASKED = "asked", "asked"
    ACCEPTED = "accepted", "accepted"
    DECLINED = "declined", "declined"
    RENEGOTIATED = "renegotiated", "renegotiated"
    DELIVERED = "delivered", "marked it delivered"
    OBJECTED = "objected", "said it isn't done yet"
    CONFIRMED = "confirmed", "confirmed it's done"
    AUTO_CONFIRMED = "auto_confirmed", "counted as done after three days"
    RELEASED = "released", "let it go"
    MISSED = "missed", "passed its due time"


class Side(StrEnum):
    PROMISER = "promiser"
    RECEIVER = "receiver"
    SYSTEM = "system"


class Action(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    RENEGOTIATE = "renegotiate"
    DELIVER = "deliver"
    CONFIRM = "confirm"
    OBJECT = "object"
    RELEASE = "release"
    MISS = "miss"
    AUTO_CONFIRM = "auto_confirm"


@dataclass(frozen=True)
class Move:
    by: Side
    sources: frozenset[State]
    target: State
    event: EventKind
    #: "This promise is done, so it can't be {passive} any more."
    passive: str


MOVES: dict[Action, Move] = {
    Action.ACCEPT: Move(
        Side.PROMISER, frozenset({State.ASKED}), State.OPEN, EventKind.ACCEPTED, "accepted"
    ),
    Action.DECLINE: Move(
        Side.PROMISER, frozenset({State.ASKED}), State.DECLINED, EventKind.DECLINED, "declined"
    ),
    Action.RENEGOTIATE: Move(
        Side.PROMISER,
        frozenset({State.OPEN, State.MISSED}),
        State.OPEN,
        EventKind.RENEGOTIATED,
        "renegotiated",
    ),
    Action.DELIVER: Move(
        Side.PROMISER,
        frozenset({State.OPEN, State.MISSED}),
        State.DELIVERED,
        EventKind.DELIVERED,
        "marked delivered",
    ),
    Action.CONFIRM: Move(
        Side.RECEIVER,
        frozenset({State.OPEN, State.DELIVERED, State.MISSED}),
        State.DONE,
        EventKind.CONFIRMED,
        "confirmed",
    ),
    Action.OBJECT: Move(
        Side.RECEIVER,
        frozenset({State.DELIVERED}),
        State.OPEN,
        EventKind.OBJECTED,
        "sent back",
    ),
    Action.RELEASE: Move(
        Side.RECEIVER,
        frozenset({State.ASKED, State.OPEN, State.MISSED}),
        State.RELEASED,
        EventKind.RELEASED,
        "released",
    ),
    Action.MISS: Move(
        Side.SYSTEM, frozenset({State.OPEN}), State.MISSED, EventKind.MISSED, "marked missed"
    ),
    Action.AUTO_CONFIRM: Move(
        Side.SYSTEM,
        frozenset({State.DELIVERED}),
        State.DONE,
        EventKind.AUTO_CONFIRMED,
        "confirmed",
    ),
}

_ONLY = {
    Side.PROMISER: "Only the person who made this promise can do that.",
    Side.RECEIVER: "Only the people this promise is for can do that.",
    Side.SYSTEM: "Rapport does this by itself; nobody can do it by hand.",
}


def allowed(action: Action, *, state: str, side: Side) -> bool:
    move = MOVES[action]
    return move.by == side and state in move.sources


def transition(action: Action, *, state: str, side: Side) -> State:
    """The state `action` by `side` leads to from `state`, or a clear refusal.

    PermissionDenied when `side` may never do this; ValidationError when the promise is in
    a state the action doesn't apply to.
    """
    move = MOVES[action]
    if move.by != side:
        raise PermissionDenied(_ONLY[move.by])
    if state not in move.sources:
        label = State(state).label
        if state in CLOSED_STATES:
            message = f"This promise is {label}, so it can't be {move.passive} any more."
        else:
            message = f"This promise is {label}, so it can't be {move.passive} now."
        raise ValidationError(message, code="bad_transition")
    return move.target


def actions_for(*, state: str, side: Side) -> set[Action]:
    """What `side` may do with a promise in `state` (pages show these buttons)."""
    return {action for action, move in MOVES.items() if move.by == side and state in move.sources}
