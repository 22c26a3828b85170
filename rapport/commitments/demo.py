"""Demo promises: about a hundred over the last 90 days, in every state, mostly between
teammates, with a believable follow-through record for each featured account (mostly kept,
some dates moved early, the odd late one) and a few things waiting for them today.

Written with bulk_create rather than the services: the services notify people, and a demo
seeded in one go should not fill inboxes or send email about promises from last month. The
ledger is written through `interaction_record`, with the same sources the services use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record
from rapport.people.models import Person

from .models import (
    Commitment,
    CommitmentEvent,
    CommitmentReceiver,
    CommitmentReminder,
    CommitmentSettings,
)
from .services import AUTO_CONFIRM_AFTER, reminder_minutes_for
from .states import EventKind, Outcome, State
from .timing import reminder_fire_at

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan
    from rapport.people.models import Organization

TOTAL = 100

TEXTS = (
    "send you the draft of the onboarding guide",
    "review your pull request for the billing export",
    "share my notes from the customer call",
    "book a room for the retro",
    "look over your slides before the all-hands",
    "introduce you to someone in Finance who knows the budget process",
    "write up the incident summary",
    "pair with you on the flaky checkout test",
    "get you the Q3 numbers for the report",
    "update the design tokens in the shared library",
    "send the supplier contract back signed",
    "check the sign-up form with a screen reader",
    "follow up with the vendor about the late invoice",
    "draft the agenda for the team day",
    "give you written feedback on your proposal",
    "sort out a laptop for the new joiner",
    "record a walkthrough of the release process",
    "answer the questions in your research survey",
    "add the new hires to the welcome session",
    "proofread the help-centre article",
    "move the team calendar to the new rota",
    "send you the interview scorecards",
    "fix the broken link in the handbook",
    "find a date for the mentoring catch-up",
)
RENEGOTIATIONS = (
    "The data only arrives on Thursday, so Friday is realistic.",
    "I got pulled into the outage. Could we say Tuesday instead?",
    "Waiting on legal, so next week works better for a proper answer.",
    "It's half done. I'd rather give you something solid on Monday.",
    "Two people are out this week. Moving it so it gets real attention.",
)
DECLINES = (
    "I'm at capacity this sprint. Sam might have room.",
    "Not my area, but Priya knows it well. Want me to ask her?",
)
DELIVERY_NOTES = ("It's in the shared folder.", "Sent by email just now.", "")

#: The story of each featured account as a promiser, oldest first.
FEATURED_STORY = (
    "on_time",
    "on_time",
    "reneg_early",
    "on_time",
    "late",
    "on_time",
    "on_time",
    "reneg_early",
    "on_time",
    "released",
    "on_time",
    "delivered",
    "open",
    "open_reneg",
)
#: Everyone else: drawn with these weights.
OTHER_SCENARIOS = {
    "on_time": 40,
    "reneg_early": 12,
    "late": 9,
    "missed": 7,
    "missed_released": 2,
    "released": 4,
    "declined": 4,
    "delivered": 5,
    "open": 10,
    "open_reneg": 4,
    "asked": 5,
}


@dataclass
class Draft:
    promiser: Person
    receivers: list[Person]
    scenario: str
    text: str
    asked: bool = False
    #: a featured account's place in their story (0 = the oldest), else None
    slot: int | None = None
    events: list[tuple[str, Person | None, datetime, str, datetime | None, datetime | None]] = (
        field(default_factory=list)
    )


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    rng = random.Random(f"{plan.seed}-commitments")
    now = timezone.now().replace(second=0, microsecond=0)
    by_email = {
        p.user.email: p for p in Person.objects.in_organization(organization).select_related("user")
    }
    current = {
        p.email: by_email[p.email]
        for p in plan.people
        if p.email in by_email and p.status in (Person.Status.ACTIVE, Person.Status.RETURNING)
    }
    teammates: dict[int, list[Person]] = {}
    for p in plan.people:
        if p.email in current:
            teammates.setdefault(p.team, []).append(current[p.email])
    team_of = {current[p.email].pk: p.team for p in plan.people if p.email in current}
    everyone = list(current.values())
    if len(everyone) < 3:
        return
    featured = [by_email[a.email] for a in plan.accounts if a.email in current]

    def colleague_of(person: Person) -> Person:
        mates = [m for m in teammates.get(team_of[person.pk], []) if m.pk != person.pk]
        pool = mates if mates and rng.random() < 0.8 else everyone
        choice = rng.choice(pool)
        return choice if choice.pk != person.pk else colleague_of(person)

    drafts: list[Draft] = []
    for account in featured:
        for slot, scenario in enumerate(FEATURED_STORY):
            drafts.append(
                Draft(account, [colleague_of(account)], scenario, rng.choice(TEXTS), slot=slot)
            )
        # Asked of them, waiting for their answer; and promised to them, to confirm.
        asker = colleague_of(account)
        drafts.append(Draft(account, [asker], "asked", rng.choice(TEXTS), asked=True))
        giver = colleague_of(account)
        drafts.append(Draft(giver, [account], "delivered", rng.choice(TEXTS)))
        drafts.append(Draft(colleague_of(account), [account], "open", rng.choice(TEXTS)))
    names, weights = zip(*OTHER_SCENARIOS.items(), strict=True)
    while len(drafts) < TOTAL:
        promiser = rng.choice(everyone)
        receivers = [colleague_of(promiser)]
        if rng.random() < 0.15:
            extra = colleague_of(promiser)
            if extra.pk not in {r.pk for r in receivers}:
                receivers.append(extra)
        scenario = rng.choices(names, weights)[0]
        asked = scenario in ("asked", "declined") or rng.random() < 0.25
        chosen = receivers[:1] if asked else receivers
        drafts.append(Draft(promiser, chosen, scenario, rng.choice(TEXTS), asked))

    # Featured stories run oldest first across the 90 days; others land anywhere.
    built = [(_build(draft, rng=rng, now=now), draft) for draft in drafts]

    Commitment.objects.bulk_create([c for c, _ in built])
    CommitmentReceiver.objects.bulk_create(
        [CommitmentReceiver(commitment=c, person=r) for c, d in built for r in d.receivers]
    )
    events = [
        CommitmentEvent(
            commitment=c,
            kind=kind,
            actor=actor,
            created_at=at,
            note=note,
            old_due_at=old,
            new_due_at=new,
            early=(old is not None and at < old) if kind == EventKind.RENEGOTIATED else None,
        )
        for c, d in built
        for kind, actor, at, note, old, new in d.events
    ]
    CommitmentEvent.objects.bulk_create(events)

    reminders = []
    for c, _ in built:
        if c.state != State.OPEN or c.due_at <= now:
            continue
        for offset in {*reminder_minutes_for(c.promiser), 0}:
            fire_at = reminder_fire_at(c.due_at, offset)
            if fire_at > now or not offset:
                reminders.append(
                    CommitmentReminder(
                        commitment=c, due_at=c.due_at, offset_minutes=offset, fire_at=fire_at
                    )
                )
    CommitmentReminder.objects.bulk_create(reminders)

    for event in events:
        if event.kind == EventKind.RENEGOTIATED and event.early:
            for receiver in _receivers_of(event.commitment, built):
                interaction_record(
                    actor=event.commitment.promiser,
                    other=receiver,
                    kind=Kind.COMMITMENT_RENEGOTIATED,
                    occurred_at=event.created_at,
                    source=event,
                )
    for c, d in built:
        if not c.outcome or c.settled_at is None:
            continue
        kind = {
            Outcome.ON_TIME: Kind.COMMITMENT_KEPT,
            Outcome.RENEGOTIATED_EARLY: Kind.COMMITMENT_KEPT,
            Outcome.LATE: Kind.COMMITMENT_LATE,
            Outcome.MISSED: Kind.COMMITMENT_MISSED,
        }[Outcome(c.outcome)]
        for receiver in d.receivers:
            interaction_record(
                actor=c.promiser, other=receiver, kind=kind, occurred_at=c.settled_at, source=c
            )

    # The member shares their record with the team, so the lead sees what sharing looks like;
    # two of the member's teammates do too, so the member finds records shared with them.
    if featured:
        CommitmentSettings.objects.get_or_create(
            person=featured[0], defaults={"share_record": True}
        )
        sharing_teammates = list(
            Person.objects.filter(
                organization=organization,
                status=Person.Status.ACTIVE,
                memberships__team__memberships__person=featured[0],
            )
            .exclude(pk__in=[p.pk for p in featured])
            .distinct()
            .order_by("pk")[:2]
        )
        CommitmentSettings.objects.bulk_create(
            [CommitmentSettings(person=p, share_record=True) for p in sharing_teammates],
            ignore_conflicts=True,
        )


def _receivers_of(commitment: Commitment, built: list[tuple[Commitment, Draft]]) -> list[Person]:
    for c, d in built:
        if c is commitment:
            return d.receivers
    return []


def _at_work_hour(moment: datetime, rng: random.Random) -> datetime:
    return moment.replace(hour=rng.choice((9, 11, 13, 15, 16)), minute=0)


def _build(draft: Draft, *, rng: random.Random, now: datetime) -> Commitment:
    """The promise's fields and events for its scenario, at believable times."""
    s = draft.scenario
    promiser, receiver = draft.promiser, draft.receivers[0]
    future = s in ("open", "open_reneg", "asked")
    if future:
        created = now - timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 6))
        due = _at_work_hour(now + timedelta(days=rng.randint(1, 9)), rng)
    elif s == "delivered":
        created = now - timedelta(days=rng.randint(4, 9))
        due = _at_work_hour(now + timedelta(days=rng.randint(0, 3)), rng)
        if due <= now:
            due += timedelta(days=1)
    else:
        # Old enough that even a late delivery and its confirmation are in the past.
        if draft.slot is not None:
            start = 86 - draft.slot * 7 + rng.randint(-2, 2)
        else:
            start = rng.randint(12, 86)
        created = now - timedelta(days=start, hours=rng.randint(1, 8))
        due = _at_work_hour(created + timedelta(days=rng.randint(2, 7)), rng)
    original = due
    c = Commitment(
        organization_id=promiser.organization_id,
        promiser=promiser,
        asked_by=receiver if draft.asked else None,
        text=draft.text,
        due_at=due,
        original_due_at=original,
        created_at=created,
        updated_at=created,
    )
    ev = draft.events
    if draft.asked:
        ev.append((EventKind.ASKED, receiver, created, "", None, due))
        if s == "asked":
            c.state = State.ASKED
            return c
        if s == "declined":
            at = created + timedelta(hours=rng.randint(1, 20))
            ev.append((EventKind.DECLINED, promiser, at, rng.choice(DECLINES), None, None))
            c.state, c.updated_at = State.DECLINED, at
            return c
        ev.append((EventKind.ACCEPTED, promiser, created + timedelta(hours=2), "", due, due))
    else:
        ev.append((EventKind.PROMISED, promiser, created, "", None, due))

    if s in ("reneg_early", "open_reneg"):
        at = min(due - timedelta(hours=rng.randint(5, 30)), now - timedelta(hours=1))
        at = max(at, created + timedelta(hours=3))
        new_due = due + timedelta(days=rng.randint(2, 5))
        ev.append((EventKind.RENEGOTIATED, promiser, at, rng.choice(RENEGOTIATIONS), due, new_due))
        c.due_at, c.renegotiations, c.updated_at = new_due, 1, at
        due = new_due
    if s in ("open", "open_reneg"):
        c.state = State.OPEN
        return c
    if s == "delivered":
        at = max(created + timedelta(hours=5), now - AUTO_CONFIRM_AFTER + timedelta(hours=5))
        at = min(at, now - timedelta(minutes=30))
        ev.append((EventKind.DELIVERED, promiser, at, rng.choice(DELIVERY_NOTES), None, None))
        c.state, c.delivered_at, c.updated_at = State.DELIVERED, at, at
        return c
    if s in ("released",):
        at = due - timedelta(hours=rng.randint(2, 24))
        note = "Plans changed. No need any more!"
        ev.append((EventKind.RELEASED, receiver, at, note, None, None))
        c.state, c.updated_at = State.RELEASED, at
        return c
    if s in ("missed", "missed_released"):
        ev.append((EventKind.MISSED, None, due + timedelta(minutes=3), "", None, None))
        c.state, c.outcome, c.settled_at = State.MISSED, Outcome.MISSED, due + timedelta(minutes=3)
        c.updated_at = c.settled_at
        if s == "missed_released":
            at = due + timedelta(days=1)
            note = "Let's drop it; it's sorted now."
            ev.append((EventKind.RELEASED, receiver, at, note, None, None))
            c.state, c.updated_at = State.RELEASED, at
        return c
    # Done: on time, after an early renegotiation, or late.
    if s == "late":
        delivered = due + timedelta(hours=rng.randint(3, 40))
        outcome = Outcome.LATE
    else:
        delivered = due - timedelta(hours=rng.randint(1, 30))
        delivered = max(delivered, created + timedelta(hours=2))
        outcome = Outcome.RENEGOTIATED_EARLY if s == "reneg_early" else Outcome.ON_TIME
    ev.append((EventKind.DELIVERED, promiser, delivered, rng.choice(DELIVERY_NOTES), None, None))
    if rng.random() < 0.8:
        confirmed = delivered + timedelta(hours=rng.randint(1, 30))
        ev.append((EventKind.CONFIRMED, receiver, confirmed, "", None, None))
    else:
        confirmed = delivered + AUTO_CONFIRM_AFTER
        ev.append((EventKind.AUTO_CONFIRMED, None, confirmed, "", None, None))
    confirmed = min(confirmed, now - timedelta(minutes=5))
    c.state, c.delivered_at, c.outcome = State.DONE, delivered, outcome
    c.settled_at = c.updated_at = confirmed
    return c
