"""Demo history for kudos: the organisation's values, a few hundred thank-yous over the
history (mostly inside teams, some across, a few private), reactions and replies, a couple
of quietly helpful teammates nobody has thanked lately, and one pair trading thanks for
the people team to look at. The featured accounts both give and receive.

Deterministic: every random choice comes from `plan.seed`.
"""

from __future__ import annotations

import random
import zoneinfo
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.ledger.services import InteractionRow, interaction_record, interactions_bulk_record
from rapport.people.models import Organization, Person

from . import services
from .models import (
    Audience,
    Kudos,
    KudosReaction,
    KudosReceiver,
    KudosReply,
    Reaction,
)

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan

KUDOS_COUNT = 320
VALUES = ("Own it", "Help first", "Say it kindly", "Keep it simple")
RETIRED_VALUE = "Move fast"
DAILY_LIMIT = 10

THINGS = (
    "jumping on the failing release with me at five o'clock",
    "the clear notes from the client call",
    "reviewing my pull request so carefully",
    "covering the support queue while I was out",
    "the patient walkthrough of the billing service",
    "spotting the typo before it went to print",
    "sketching three options when we were stuck",
    "taking the awkward question in the all-hands",
    "pairing on the flaky test until it finally made sense",
    "tidying up the onboarding checklist",
    "the calm way you handled an upset client",
    "sharing your research notes so openly",
    "booking the room and bringing snacks",
    "catching the security issue in review",
    "making the retro feel safe to speak up in",
    "the quick fix that saved the demo",
    "answering my questions on my first week",
    "rewriting the brief so everyone understood it",
    "staying late to get the migration through",
    "the honest feedback on my draft",
)
EFFECTS = (
    "It made my week much easier.",
    "The team noticed, and so did I.",
    "You turned a stressful day into a good one.",
    "I learned a lot from how you did it.",
    "It saved us hours.",
    "That kind of thing is why I like working here.",
    "",
)
REPLIES = (
    "Thank you, that means a lot.",
    "Any time! It was fun to work on.",
    "Happy to help — you did the hard part.",
    "Aw, thanks. Let's do it again next sprint.",
    "That's kind of you to say.",
)


def _at(day: date, zone: str, rng: random.Random) -> datetime:
    local = datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)))
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone))


def _message(rng: random.Random) -> str:
    return f"Thanks for {rng.choice(THINGS)}. {rng.choice(EFFECTS)}".strip()


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    rng = random.Random(f"{plan.seed}-kudos")
    by_email = {
        p.user.email: p for p in Person.objects.in_organization(organization).select_related("user")
    }
    people = [by_email[p.email] for p in plan.people]
    team_of = {people[p.index].pk: p.team for p in plan.people}
    members: dict[int, list[int]] = {}
    for p in plan.people:
        members.setdefault(p.team, []).append(p.index)
    start = plan.history_start

    def around(index: int, d: int) -> bool:
        away = plan.people[index].away
        return away is None or not (away[0] <= d < away[1])

    admins = [people[p.index] for p in plan.people if p.is_org_admin]
    admin = admins[0]
    values = [services.kudos_value_create(actor=admin, name=name) for name in VALUES]
    retired = services.kudos_value_create(actor=admin, name=RETIRED_VALUE)
    services.kudos_value_set_retired(actor=admin, value=retired, retired=True)
    services.kudos_settings_update(actor=admin, daily_limit=DAILY_LIMIT)

    featured = [
        next(p.index for p in plan.people if p.email == account.email) for account in plan.accounts
    ]
    now = timezone.now()
    recent = now - timedelta(days=30)

    # The member's quietly helpful teammates: they helped the member lately (the unsung view
    # only knows help given to its viewer); nobody thanks them.
    member_index = featured[0]
    member_team = plan.people[member_index].team
    teammates = [
        people[i].pk
        for i in members[member_team]
        if i not in featured  # the featured lead gets thanked like anyone else
        and plan.people[i].status != Person.Status.LEFT
        and around(i, (plan.today - start).days - 1)
    ]
    helpers = list(
        Interaction.objects.filter(
            actor_id__in=teammates,
            other=people[member_index],
            kind=Kind.HELPED,
            occurred_at__gte=recent,
        )
        .order_by("actor_id")
        .values_list("actor_id", flat=True)
        .distinct()[:2]
    )
    for pk in teammates:
        if len(helpers) >= 2:
            break
        if pk not in helpers:
            helpers.append(pk)
            interaction_record(
                actor=Person.objects.get(pk=pk),
                other=people[member_index],
                kind=Kind.HELPED,
                occurred_at=now - timedelta(days=rng.randint(2, 20)),
            )
    quiet = set(helpers)

    # --- the thank-yous -------------------------------------------------------------------
    weights = [p.activity for p in plan.people]
    planned: list[tuple[int, list[int]]] = []
    # The featured accounts give and receive a believable share.
    for index in featured:
        for _ in range(6):
            planned.append(_draw(rng, plan, members, giver=index))
            planned.append(_draw(rng, plan, members, receiver=index))
    while len(planned) < KUDOS_COUNT:
        giver = rng.choices(range(len(plan.people)), weights=weights)[0]
        planned.append(_draw(rng, plan, members, giver=giver))

    kudos_rows: list[Kudos] = []
    receivers_of: list[list[Person]] = []
    for n, (giver_index, receiver_indexes) in enumerate(planned):
        day_offset = rng.randint(0, 119)
        if rng.random() < 0.35:
            day_offset = rng.randint(90, 119)  # more thanks lately
        if n < 12 * len(featured) and n % 12 < 2:
            # Each featured account gave and got thanks this past week: the first thing
            # they see under "Mine" is fresh.
            day_offset = 119 - n // 12 - n % 12
        day = start + timedelta(days=day_offset)
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        when = _at(day, plan.people[giver_index].office.time_zone, rng)
        if when > now:
            when = now - timedelta(hours=rng.randint(1, 48))
        receivers = [people[i] for i in receiver_indexes if people[i].pk != people[giver_index].pk]
        if when >= recent:
            receivers = [r for r in receivers if r.pk not in quiet]
        if not receivers or (people[giver_index].pk in quiet and when >= recent):
            continue
        audience = rng.choices(
            [Audience.TEAM, Audience.ORGANIZATION, Audience.PRIVATE], weights=[55, 30, 15]
        )[0]
        kudos_rows.append(
            Kudos(
                organization=organization,
                giver=people[giver_index],
                message=_message(rng),
                value=rng.choice(values) if rng.random() < 0.7 else None,
                audience=audience,
                created_at=when,
            )
        )
        receivers_of.append(receivers)
    Kudos.objects.bulk_create(kudos_rows)
    KudosReceiver.objects.bulk_create(
        [
            KudosReceiver(kudos=k, person=r)
            for k, rs in zip(kudos_rows, receivers_of, strict=True)
            for r in rs
        ]
    )
    # Bulk, like the rest of the demo history: one row per receiver, as kudos_give writes.
    # (InteractionRow has no source yet, so these rows don't point back at their kudos.)
    interactions_bulk_record(
        InteractionRow(
            organization_id=organization.pk,
            actor_id=kudos.giver_id,
            other_id=person.pk,
            kind=Kind.KUDOS,
            occurred_at=kudos.created_at,
        )
        for kudos, receivers in zip(kudos_rows, receivers_of, strict=True)
        for person in receivers
    )

    # --- reactions and replies ------------------------------------------------------------
    reactions: list[KudosReaction] = []
    replies: list[KudosReply] = []
    kinds = list(Reaction.values)
    for kudos, receivers in zip(kudos_rows, receivers_of, strict=True):
        if kudos.audience == Audience.PRIVATE:
            audience_pool = receivers
        else:
            team = team_of[receivers[0].pk]
            audience_pool = [people[i] for i in members[team]] + receivers
        pool = [p for p in audience_pool if p.pk != kudos.giver_id]
        taken: set[tuple[int, str]] = set()
        for _ in range(rng.choice([0, 1, 1, 2, 3, 4])):
            person, kind = rng.choice(pool), rng.choice(kinds)
            if (person.pk, kind) in taken or person.status == Person.Status.LEFT:
                continue
            taken.add((person.pk, kind))
            reactions.append(
                KudosReaction(
                    kudos=kudos,
                    person=person,
                    kind=kind,
                    created_at=kudos.created_at + timedelta(minutes=rng.randint(5, 600)),
                )
            )
        if rng.random() < 0.25:
            replies.append(
                KudosReply(
                    kudos=kudos,
                    author=rng.choice(receivers),
                    message=rng.choice(REPLIES),
                    created_at=kudos.created_at + timedelta(minutes=rng.randint(10, 900)),
                )
            )
    KudosReaction.objects.bulk_create(reactions)
    KudosReply.objects.bulk_create(replies)

    _seed_trading_pair(rng, organization, plan, people, quiet | {people[i].pk for i in featured})


def _draw(
    rng: random.Random,
    plan: OrganizationPlan,
    members: dict[int, list[int]],
    *,
    giver: int | None = None,
    receiver: int | None = None,
) -> tuple[int, list[int]]:
    """A giver and their receivers: mostly teammates, sometimes across teams."""
    n = len(plan.people)
    if giver is None:
        assert receiver is not None
        team = plan.people[receiver].team
        givers = [i for i in members[team] if i != receiver] or list(range(n))
        giver = rng.choice(givers) if rng.random() < 0.7 else rng.randrange(n)
        if giver == receiver:
            giver = (receiver + 1) % n
        return giver, [receiver]
    team = plan.people[giver].team
    count = rng.choices([1, 2, 3], weights=[80, 15, 5])[0]
    chosen: list[int] = []
    for _ in range(count):
        pool: Sequence[int] = members[team] if rng.random() < 0.7 else range(n)
        other = rng.choice(pool)
        if other != giver and other not in chosen and plan.people[other].status != "left":
            chosen.append(other)
    if not chosen:
        chosen.append((giver + 1) % n)
    return giver, chosen


def _seed_trading_pair(
    rng: random.Random,
    organization: Organization,
    plan: OrganizationPlan,
    people: list[Person],
    avoid: set[int],
) -> None:
    """Two people in different teams who swap quick thanks, with nothing else between
    them lately: what the people team's review page is for."""
    now = timezone.now()
    since = now - timedelta(days=14)
    candidates = [
        people[p.index]
        for p in plan.people
        if p.status == Person.Status.ACTIVE
        and not p.is_lead
        and not p.is_org_admin
        and p.away is None
        and people[p.index].pk not in avoid
    ]
    team_of = {people[p.index].pk: p.team for p in plan.people}
    rng.shuffle(candidates)
    for a in candidates:
        for b in candidates:
            if a.pk >= b.pk or team_of[a.pk] == team_of[b.pk]:
                continue
            together = Interaction.objects.filter(
                Q(actor=a, other=b) | Q(actor=b, other=a), occurred_at__gte=since
            ).exists()
            if together:
                continue
            for days_ago in (9, 6, 2):
                when = now - timedelta(days=days_ago, hours=rng.randint(1, 4))
                for giver, receiver, offset in ((a, b, 0), (b, a, 1)):
                    kudos = Kudos.objects.create(
                        organization=organization,
                        giver=giver,
                        message=rng.choice(("Thanks!!", "Thank you, legend.", "Cheers!")),
                        # Shared with their teams, not with everyone: six quick "cheers" at
                        # the top of the everyone feed would be the demo's first impression.
                        audience=Audience.TEAM,
                        created_at=when + timedelta(hours=offset),
                    )
                    KudosReceiver.objects.create(kudos=kudos, person=receiver)
                    interaction_record(
                        actor=giver,
                        other=receiver,
                        kind=Kind.KUDOS,
                        occurred_at=kudos.created_at,
                        source=kudos,
                    )
            services.trading_pair_check(organization=organization, a=a, b=b, now=now)
            return
