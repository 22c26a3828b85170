"""What "trading thanks" means, precisely, as pure functions the services feed.

Two people *trade* thanks when, within the last TRADING_WINDOW (14 days):

1. they made at least MIN_EXCHANGES (3) back-and-forth exchanges: an *exchange* is a
   kudos from one of them to the other answered by a kudos the other way within
   EXCHANGE_WITHIN (6 hours). Each kudos takes part in at most one exchange, and each is
   matched with the earliest unanswered kudos the other way (so A→B, A→B, B→A is one
   exchange, not two);
2. and the ledger holds nothing else between them in that window: no help, meeting,
   promise, conversation or any other kind of interaction in either direction.

Genuine mutual thanks usually come with real work between the two (help given, a promise
kept, time spent together); quick thanks bounced back and forth with nothing else is what
a points race looks like. Such a pair is flagged for the org admins to look at, never
blocked: the thanks still reach the people.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

TRADING_WINDOW = timedelta(days=14)
EXCHANGE_WITHIN = timedelta(hours=6)
MIN_EXCHANGES = 3


@dataclass(frozen=True, slots=True)
class Thanks:
    """One kudos between the two people: `forward` is True for the first to the second."""

    at: datetime
    forward: bool


@dataclass(frozen=True, slots=True)
class Exchange:
    first: datetime
    answer: datetime


def exchanges(thanks: Iterable[Thanks]) -> list[Exchange]:
    """The back-and-forth exchanges in these thanks (see the module docstring)."""
    waiting: dict[bool, deque[datetime]] = {True: deque(), False: deque()}
    found: list[Exchange] = []
    for item in sorted(thanks, key=lambda t: (t.at, t.forward)):
        other_way = waiting[not item.forward]
        while other_way and item.at - other_way[0] > EXCHANGE_WITHIN:
            other_way.popleft()  # too old to be answered by this or anything later
        if other_way:
            found.append(Exchange(first=other_way.popleft(), answer=item.at))
        else:
            waiting[item.forward].append(item.at)
    return found


def is_trading(found: list[Exchange], *, other_interactions: int) -> bool:
    return len(found) >= MIN_EXCHANGES and other_interactions == 0
