"""What Today gathers from the capabilities: where the person's day stands, in a fixed
handful of queries however much each capability holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from rapport.checkins.models import CheckIn
from rapport.checkins.selectors import checkin_today
from rapport.commitments.models import Commitment
from rapport.commitments.selectors import commitments_for
from rapport.pairing.models import GroupMember
from rapport.pairing.selectors import my_groups
from rapport.people.models import Person
from rapport.roadblocks.selectors import invitations_received

DUE_SOON = timedelta(hours=48)


@dataclass(frozen=True)
class Day:
    checkin: CheckIn | None
    #: promises I made that are due within DUE_SOON (or overdue), soonest first, at most 3
    due_soon: list[Commitment]
    #: colleagues waiting for my answer to an invitation to talk
    talk_invitations: int
    #: my group in a pairing round that is still open
    pairing: GroupMember | None


def day_for(*, person: Person, now: datetime | None = None) -> Day:
    now = now or timezone.now()
    due_soon = list(commitments_for(person=person).filter(due_at__lte=now + DUE_SOON)[:3])
    return Day(
        checkin=checkin_today(person=person, now=now),
        due_soon=due_soon,
        talk_invitations=invitations_received(person=person, pending_only=True).count(),
        pairing=my_groups(viewer=person, current_only=True).first(),
    )
