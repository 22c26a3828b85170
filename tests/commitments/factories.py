"""Promises for tests, made through the services so they are shaped as in real life."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from rapport.commitments import services
from rapport.commitments.models import Commitment
from rapport.people.models import Person


def promise(
    promiser: Person,
    *receivers: Person,
    text: str = "send you the review notes",
    due_in: timedelta = timedelta(days=3),
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> Commitment:
    now = now or timezone.now()
    return services.commitment_promise(
        promiser=promiser,
        receiver_ids=[r.pk for r in receivers],
        text=text,
        due_at=due_at or now + due_in,
        now=now,
    )


def ask(
    asker: Person,
    promiser: Person,
    *,
    text: str = "look over my slides",
    due_in: timedelta = timedelta(days=2),
    now: datetime | None = None,
) -> Commitment:
    now = now or timezone.now()
    return services.commitment_ask(
        asker=asker, promiser_id=promiser.pk, text=text, due_at=now + due_in, now=now
    )
