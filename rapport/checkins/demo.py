"""Demo check-ins: about 90 days of them for most people, and a few check-on conversations.

Moods follow each person's own baseline with a small weekly rhythm (Mondays a little lower,
Fridays a little higher), slow drift and the odd rough patch in the past. Sharing choices
differ by person. One person who is not a featured account has a recent run of low days,
so the caring message can be seen by signing in as them; the featured accounts have calm,
ordinary weeks.
"""

from __future__ import annotations

import random
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from rapport.ledger.kinds import Kind
from rapport.ledger.services import interaction_record
from rapport.people.models import Organization, Person

from .forms import MESSAGE_TEMPLATES, first_name
from .models import CheckIn, CheckOn, CheckOnReply, Visibility

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan, PersonPlan

DAYS = 90

NOTES = {
    1: (
        "Couldn't sleep, and the day never really started.",
        "A hard conversation at home is taking all my energy.",
        "Feeling stretched thin across three projects.",
    ),
    2: (
        "Lots of meetings, not much done.",
        "A bit flat today. Nothing specific.",
        "Worried about the deadline on Friday.",
        "Missing the team since everyone went remote this week.",
    ),
    3: (
        "Steady. Head down on the backlog.",
        "Fine, a little tired.",
        "Ordinary day, which is nice for a change.",
    ),
    4: (
        "Good pairing session this morning.",
        "Feedback on the prototype was kind and useful.",
        "Got through the inbox before lunch.",
    ),
    5: (
        "We shipped it!",
        "Lovely lunch with the team.",
        "Client loved the presentation.",
        "Finally fixed the bug that haunted us for weeks.",
    ),
}

REPLIES = (
    "Thank you for asking, honestly. It's been a heavy couple of weeks, coffee would be great.",
    "That's kind of you. I'm okay, just juggling a lot. Thursday?",
    "I didn't realise it showed! Things are better now, thanks for checking.",
    "Yes please, I'd love that. Let's find a slot.",
)
FOLLOW_UPS = (
    "Glad you said so. Thursday at 10, I'll bring the coffee.",
    "Anytime. Shout if I can take something off your plate.",
)


@dataclass
class _Person:
    plan: PersonPlan
    person: Person


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    rng = random.Random(f"{plan.seed}-checkins")
    by_email = {
        p.user.email: p for p in Person.objects.in_organization(organization).select_related("user")
    }
    people = [_Person(p, by_email[p.email]) for p in plan.people if p.email in by_email]
    featured = {account.email for account in plan.accounts}
    low_streak = _pick_low_streak(people, featured, rng)
    checkins = []
    for entry in people:
        checkins.extend(_checkins_for(entry, plan, rng, low=entry is low_streak))
    CheckIn.objects.bulk_create(checkins, batch_size=2000)
    _conversations(people, featured, plan, rng)


def _pick_low_streak(people: list[_Person], featured: set[str], rng: random.Random) -> _Person:
    candidates = [
        e
        for e in people
        if e.plan.email not in featured
        and not e.plan.is_lead
        and not e.plan.isolated
        and e.plan.away is None
        and e.plan.status == Person.Status.ACTIVE
        and not e.plan.is_org_admin
    ]
    return rng.choice(candidates)


def _checkins_for(
    entry: _Person, plan: OrganizationPlan, rng: random.Random, *, low: bool
) -> list[CheckIn]:
    from rapport.demo.generator import HISTORY_DAYS

    p = entry.plan
    if p.isolated:
        participation = rng.uniform(0.0, 0.3)
    elif p.demo_account is not None or low:
        participation = 0.85
    else:
        participation = rng.choice([0.0, 0.3, 0.6, 0.75, 0.85, 0.9, 0.95])
    if participation == 0.0:
        return []  # some people never check in, and that's fine
    baseline = rng.uniform(3.1, 4.1)
    visibility = rng.choices(
        [Visibility.PRIVATE, Visibility.TEAM_MOOD, Visibility.TEAM_NOTE], weights=[45, 35, 20]
    )[0]
    if p.demo_account in ("member", "lead"):
        visibility = Visibility.TEAM_MOOD
    note_rate = rng.uniform(0.1, 0.5)
    # A rough patch of one to two weeks, sometime well before the last fortnight.
    patch_start = rng.randint(0, DAYS - 30) if rng.random() < 0.25 else None
    patch_length = rng.randint(5, 12)
    zone = p.office.time_zone
    drift = 0.0
    rows: list[CheckIn] = []
    first_history_day = HISTORY_DAYS - DAYS  # `away` counts days of the plan's history
    for offset in range(DAYS):
        # Up to yesterday: today's check-in is for whoever signs in to make.
        day = plan.today - timedelta(days=DAYS - offset)
        history_day = first_history_day + offset
        if p.away is not None and p.away[0] <= history_day < p.away[1]:
            continue
        if str(day.isoweekday()) not in p.working_days:
            continue
        if rng.random() > participation:
            continue
        drift = 0.7 * drift + rng.gauss(0, 0.35)
        weekday_effect = {0: -0.3, 4: 0.3}.get(day.weekday(), 0.0)
        value = baseline + drift + weekday_effect + rng.gauss(0, 0.45)
        if patch_start is not None and patch_start <= offset < patch_start + patch_length:
            value -= 1.4
        mood = max(1, min(5, round(value)))
        recent = offset >= DAYS - 14
        if recent and not low:
            mood = max(mood, 3)  # calm recent weeks for everyone but the one low streak
        rows.append(_row(entry, day, mood, zone, p.work_start, visibility, note_rate, rng))
    if low:
        # The last five check-ins: three of them low, most recent first.
        for row, mood in zip(reversed(rows[-5:]), [2, 3, 1, 2, 4], strict=False):
            row.mood = mood
            row.note = rng.choice(NOTES[mood]) if mood <= 2 else row.note
            row.visibility = Visibility.PRIVATE
    return rows


def _row(
    entry: _Person,
    day: date,
    mood: int,
    zone: str,
    work_start: time,
    visibility: str,
    note_rate: float,
    rng: random.Random,
) -> CheckIn:
    local = datetime.combine(day, work_start, tzinfo=zoneinfo.ZoneInfo(zone))
    at = (local + timedelta(minutes=rng.randint(0, 90))).astimezone(UTC)
    return CheckIn(
        organization_id=entry.person.organization_id,
        person=entry.person,
        day=day,
        mood=mood,
        note=rng.choice(NOTES[mood]) if rng.random() < note_rate else "",
        visibility=visibility,
        created_at=at,
        updated_at=at,
    )


def _conversations(
    people: list[_Person], featured: set[str], plan: OrganizationPlan, rng: random.Random
) -> None:
    """A few check-on conversations, one sent to and one sent by the featured member."""
    active = [e for e in people if e.plan.status == Person.Status.ACTIVE and not e.plan.isolated]
    by_team: dict[int, list[_Person]] = {}
    for e in active:
        by_team.setdefault(e.plan.team, []).append(e)
    member = next((e for e in active if e.plan.demo_account == "member"), None)
    pairs: list[tuple[_Person, _Person]] = []
    if member is not None:
        mates = [e for e in by_team.get(member.plan.team, []) if e is not member]
        if len(mates) >= 2:
            pairs.append((mates[0], member))
            pairs.append((member, mates[1]))
    for _ in range(6):
        team = rng.choice([members for members in by_team.values() if len(members) >= 2])
        sender, recipient = rng.sample(team, 2)
        pairs.append((sender, recipient))
    templates = list(MESSAGE_TEMPLATES.values())
    base = datetime.combine(plan.today, time(10, 0), tzinfo=UTC)
    for n, (sender, recipient) in enumerate(pairs):
        sent_at = base - timedelta(days=rng.randint(2, 20), minutes=rng.randint(0, 300))
        _, text = templates[n % len(templates)]
        check_on = CheckOn.objects.create(
            organization_id=sender.person.organization_id,
            sender=sender.person,
            recipient=recipient.person,
            message=text.format(name=first_name(recipient.person.display_name)),
            created_at=sent_at,
            last_activity_at=sent_at,
        )
        interaction_record(
            actor=sender.person,
            other=recipient.person,
            kind=Kind.CHECKED_ON,
            occurred_at=sent_at,
            source=check_on,
        )
        last = sent_at
        if n < 2 or rng.random() < 0.7:
            last = _reply(check_on, recipient.person, sender.person, rng.choice(REPLIES), last, rng)
            if rng.random() < 0.6:
                last = _reply(
                    check_on, sender.person, recipient.person, rng.choice(FOLLOW_UPS), last, rng
                )
        CheckOn.objects.filter(pk=check_on.pk).update(last_activity_at=last)


def _reply(
    check_on: CheckOn,
    author: Person,
    other: Person,
    text: str,
    after: datetime,
    rng: random.Random,
) -> datetime:
    at = after + timedelta(hours=rng.randint(1, 20))
    reply = CheckOnReply.objects.create(
        check_on=check_on, author=author, message=text, created_at=at
    )
    interaction_record(actor=author, other=other, kind=Kind.REPLIED, occurred_at=at, source=reply)
    return at
