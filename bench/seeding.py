"""The everyday capabilities of a large organisation, written with COPY on PostgreSQL: posts
(with replies and reactions), kudos (with receivers, reactions and replies), daily
check-ins and the help board (skills, capacities, requests with their skills, offers).

The organisation itself (people, teams, ledger) is seeded by bench/ties.py's `prepare`.
`seed_everyday` writes each capability once, in a transaction of its own: a capability
whose rows are already there is left as it is, so a second run skips the seeding. Rows
are generated as streams from a seeded random generator per capability (the same sizes
and seed give the same rows), with explicit ids where other rows point at them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

HISTORY_DAYS = 365
SKILLS = 200

WORDS = [
    "shipped the release notes, thank you for staying late with me on the migration",
    "the customer call went well because of your prep",
    "pairing on the flaky test saved my week",
    "the onboarding doc is so much clearer now",
    "stuck on the quarterly plan",
    "the new dashboard finally loads in under a second",
    "learning the billing code is hard",
]


@dataclass(frozen=True)
class Sizes:
    posts: int
    kudos: int
    checkins: int
    help_requests: int


# --- writing rows -------------------------------------------------------------------------


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY rows into a table in one statement; returns how many were written."""
    from django.db import connection

    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


def next_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def reset_sequences(*models: Any) -> None:
    """After rows with explicit ids: the next ORM insert continues after them."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def encrypted(model: Any, field: str, texts: Iterable[str]) -> list[Any]:
    """A few ciphertexts to reuse: encryption is randomised, so a few of them reused look
    like a million to the database (same length, same cost to read and decrypt)."""
    prepare = model._meta.get_field(field).get_prep_value
    return [prepare(text) for text in texts]


# --- the organisation ----------------------------------------------------------------------


class World:
    """The organisation's people and teams as plain ids, for fast row generation."""

    def __init__(self, organization: Any, seed: int) -> None:
        from rapport.people.models import Membership, Person

        self.organization = organization
        self.org_id: int = organization.pk
        self.seed = seed
        self.people: list[int] = list(
            Person.objects.filter(organization=organization)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.teams_of: dict[int, list[int]] = {}
        self.members: dict[int, list[int]] = {}
        for person, team in (
            Membership.objects.filter(person__organization=organization)
            .order_by("pk")
            .values_list("person_id", "team_id")
        ):
            self.teams_of.setdefault(person, []).append(team)
            self.members.setdefault(team, []).append(person)
        self.member: int = Person.objects.get(
            organization=organization, user__email=f"member@{organization.slug}.example"
        ).pk
        self.now = datetime.now(UTC)

    def rng(self, name: str) -> random.Random:
        """A generator of its own for each capability: skipping one leaves the others'
        rows the same."""
        return random.Random(f"{self.seed}-{name}")

    def moment(self, rng: random.Random) -> datetime:
        """A time in the last year, uniformly."""
        return self.now - timedelta(seconds=rng.random() * HISTORY_DAYS * 86_400)

    def team_of(self, person: int, rng: random.Random) -> int | None:
        teams = self.teams_of.get(person)
        return rng.choice(teams) if teams else None

    def teammate(self, person: int, rng: random.Random) -> int:
        """Someone in one of the person's teams (anyone else if they have none)."""
        team = self.members.get(self.team_of(person, rng) or -1, [])
        if len(team) > 1:
            other = rng.choice(team)
            if other != person:
                return other
        while True:
            other = rng.choice(self.people)
            if other != person:
                return other


# --- posts ---------------------------------------------------------------------------------


def seed_posts(world: World, total: int) -> int:
    """`total` posts over the last year: two in five to everyone, the rest to one of the
    author's teams; two in five challenges. A reply and a reaction on one post in ten."""
    from rapport.feed.models import Post, Reaction, Reply

    rng = world.rng("posts")
    first = next_id(Post)
    answered: list[tuple[int, datetime]] = []

    def posts() -> Iterable[tuple[Any, ...]]:
        for n in range(total):
            post_id = first + n
            author = rng.choice(world.people)
            team = world.team_of(author, rng) if rng.random() < 0.6 else None
            at = world.moment(rng)
            if rng.random() < 0.1:
                answered.append((post_id, at))
            yield (
                post_id,
                world.org_id,
                author,
                "challenge" if rng.random() < 0.4 else "win",
                "team" if team else "organization",
                team,
                rng.choice(WORDS),
                at,
            )

    columns = (
        "id",
        "organization_id",
        "author_id",
        "kind",
        "audience",
        "team_id",
        "body",
        "created_at",
    )
    written = copy_rows(Post._meta.db_table, columns, posts())
    copy_rows(
        Reply._meta.db_table,
        ("organization_id", "post_id", "author_id", "body", "created_at"),
        (
            (world.org_id, pk, rng.choice(world.people), rng.choice(WORDS), at + timedelta(hours=1))
            for pk, at in answered
        ),
    )
    kinds = list(Reaction.Kind.values)
    copy_rows(
        Reaction._meta.db_table,
        ("organization_id", "post_id", "person_id", "kind", "created_at"),
        (
            (world.org_id, pk, rng.choice(world.people), rng.choice(kinds), at + timedelta(hours=2))
            for pk, at in answered
        ),
    )
    reset_sequences(Post)
    return written


# --- kudos ---------------------------------------------------------------------------------


def seed_kudos(world: World, total: int) -> int:
    """`total` kudos over the last year, each to a teammate of the giver (one in seven to
    two); a tenth private, three in ten to everyone, the rest to the receivers' teams. A
    reaction and a reply on one in ten."""
    from rapport.kudos.models import Kudos, KudosReaction, KudosReceiver, KudosReply, Reaction

    rng = world.rng("kudos")
    messages = encrypted(Kudos, "message", WORDS)
    replies = encrypted(KudosReply, "message", ("thank you!", "that means a lot"))
    first = next_id(Kudos)
    receivers: list[tuple[int, int]] = []
    answered: list[tuple[int, datetime]] = []

    def kudos() -> Iterable[tuple[Any, ...]]:
        for n in range(total):
            kudos_id = first + n
            giver = rng.choice(world.people)
            receiver = world.teammate(giver, rng)
            receivers.append((kudos_id, receiver))
            if rng.random() < 0.15:
                second = world.teammate(giver, rng)
                if second != receiver:
                    receivers.append((kudos_id, second))
            at = world.moment(rng)
            if rng.random() < 0.1:
                answered.append((kudos_id, at))
            roll = rng.random()
            audience = "private" if roll < 0.1 else "organization" if roll < 0.4 else "team"
            yield (kudos_id, world.org_id, giver, rng.choice(messages), audience, at)

    columns = ("id", "organization_id", "giver_id", "message", "audience", "created_at")
    written = copy_rows(Kudos._meta.db_table, columns, kudos())
    copy_rows(KudosReceiver._meta.db_table, ("kudos_id", "person_id"), receivers)
    kinds = list(Reaction.values)
    copy_rows(
        KudosReaction._meta.db_table,
        ("kudos_id", "person_id", "kind", "created_at"),
        (
            (pk, rng.choice(world.people), rng.choice(kinds), at + timedelta(hours=1))
            for pk, at in answered
        ),
    )
    copy_rows(
        KudosReply._meta.db_table,
        ("kudos_id", "author_id", "message", "created_at"),
        (
            (pk, rng.choice(world.people), rng.choice(replies), at + timedelta(hours=2))
            for pk, at in answered
        ),
    )
    reset_sequences(Kudos)
    return written


# --- check-ins -----------------------------------------------------------------------------


def seed_checkins(world: World, total: int) -> int:
    """Everyone checks in every day, going back from yesterday, until `total` check-ins
    (5M for 100k people: 50 days). Six in ten private, a quarter share the mood with the
    team, the rest mood and note."""
    from rapport.checkins.models import CheckIn

    rng = world.rng("checkins")
    notes = encrypted(CheckIn, "note", ("", "", "", "busy day"))
    moods = (2, 3, 3, 4, 4, 4, 5)
    today = world.now.date()

    def rows() -> Iterable[tuple[Any, ...]]:
        written = 0
        back = 0
        while written < total:
            back += 1
            day = today - timedelta(days=back)
            at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
            for person in world.people:
                if written == total:
                    return
                roll = rng.random()
                yield (
                    world.org_id,
                    person,
                    day,
                    rng.choice(moods),
                    rng.choice(notes),
                    "private" if roll < 0.6 else "team_mood" if roll < 0.85 else "team_note",
                    at,
                    at,
                )
                written += 1

    columns = (
        "organization_id",
        "person_id",
        "day",
        "mood",
        "note",
        "visibility",
        "created_at",
        "updated_at",
    )
    return copy_rows(CheckIn._meta.db_table, columns, rows())


# --- the help board ------------------------------------------------------------------------


def seed_helpboard(world: World, total: int) -> int:
    """The help board at scale: 200 skill tags; a capacity for 70% of people (a third of
    them with room this week, three skills each); `total` requests over the last year,
    more of them recent (those under 30 days old mostly still open, 30% for one team only),
    one or two skills each (with `is_open`, as the board reads them) and up to three offers
    each (accepted on most done requests). The member account asks one request in 2,000
    and offers on one in 800, so "mine" has rows."""
    from rapport.helpboard.models import (
        Capacity,
        Effort,
        HelpRequest,
        Offer,
        RequestSkill,
        Skill,
    )

    rng = world.rng("helpboard")
    now = world.now
    skills = Skill.objects.bulk_create(
        [Skill(organization_id=world.org_id, name=f"skill {i:03d}") for i in range(SKILLS)]
    )
    skill_ids = [s.pk for s in skills]

    first_capacity = next_id(Capacity)
    capacity_skills: list[tuple[int, int]] = []
    week_end = now + timedelta(days=4)

    def capacities() -> Iterable[tuple[Any, ...]]:
        capacity_id = first_capacity
        for person in world.people:
            if rng.random() > 0.7:
                continue
            roll = rng.random()
            status = "available" if roll < 0.33 else "swamped" if roll > 0.85 else "steady"
            capacity_skills.extend((capacity_id, s) for s in rng.sample(skill_ids, k=3))
            yield (
                capacity_id,
                world.org_id,
                person,
                status,
                week_end if status == "available" else None,
                False,
                now - timedelta(minutes=rng.randint(0, 20_000)),
            )
            capacity_id += 1

    copy_rows(
        Capacity._meta.db_table,
        (
            "id",
            "organization_id",
            "person_id",
            "status",
            "available_until",
            "suggestions_off",
            "updated_at",
        ),
        capacities(),
    )
    copy_rows(Capacity.skills.through._meta.db_table, ("capacity_id", "skill_id"), capacity_skills)

    first_request = next_id(HelpRequest)
    efforts = list(Effort.values)
    request_skills: list[tuple[int, int, bool]] = []
    offers: list[tuple[Any, ...]] = []

    def requests() -> Iterable[tuple[Any, ...]]:
        for n in range(total):
            request_id = first_request + n
            requester = world.member if rng.random() < 1 / 2000 else rng.choice(world.people)
            age = rng.random() ** 2 * HISTORY_DAYS  # more recent than not
            created = now - timedelta(days=age)
            is_open = age < 30 and rng.random() < 0.65
            state = "open" if is_open else rng.choice(("done", "closed"))
            team = world.team_of(requester, rng) if rng.random() < 0.3 else None
            request_skills.extend(
                (request_id, s, is_open) for s in rng.sample(skill_ids, k=rng.randint(1, 2))
            )
            helpers = {rng.choice(world.people) for _ in range(rng.randint(0, 3))}
            if rng.random() < 1 / 800:
                helpers.add(world.member)
            for helper in helpers - {requester}:
                accepted = state == "done" and rng.random() < 0.6
                offered_at = created + timedelta(hours=3)
                offers.append(
                    (
                        request_id,
                        helper,
                        "I can help",
                        "accepted" if accepted else "offered",
                        offered_at,
                        offered_at + timedelta(hours=5) if accepted else None,
                    )
                )
            finished = created + timedelta(days=rng.randint(1, 7))
            yield (
                request_id,
                world.org_id,
                requester,
                f"Help with thing {rng.randint(1, 10**6)}",
                "Something that needs a hand.",
                rng.choice(efforts),
                (created + timedelta(days=rng.randint(31, 45) if is_open else 7)).date(),
                "team" if team else "organization",
                team,
                state,
                created,
                finished if state == "done" else None,
                finished if state == "closed" else None,
                False,
            )

    written = copy_rows(
        HelpRequest._meta.db_table,
        (
            "id",
            "organization_id",
            "requester_id",
            "title",
            "description",
            "effort",
            "needed_by",
            "audience",
            "team_id",
            "state",
            "created_at",
            "done_at",
            "closed_at",
            "closed_automatically",
        ),
        requests(),
    )
    copy_rows(RequestSkill._meta.db_table, ("request_id", "skill_id", "is_open"), request_skills)
    copy_rows(
        Offer._meta.db_table,
        ("request_id", "helper_id", "message", "state", "created_at", "accepted_at"),
        offers,
    )
    reset_sequences(Capacity, HelpRequest)
    return written


# --- once ----------------------------------------------------------------------------------


def _once(
    name: str,
    model: Any,
    tables: Sequence[Any],
    world: World,
    seed: Callable[[], int],
    figures: dict[str, Any],
) -> list[str]:
    """Seed one capability unless its rows are there; the tables it wrote (to VACUUM)."""
    from django.db import connection, transaction

    existing = model.objects.filter(organization_id=world.org_id).count()
    if existing:
        print(f"{name}: {existing:,} already there", flush=True)
        figures[name] = existing
        return []
    print(f"Seeding {name}…", flush=True)
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Check foreign keys row by row rather than queueing millions of checks for
            # the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        written = seed()
    seconds = time.monotonic() - started
    print(f"{name}: {written:,} rows in {seconds:.1f} s", flush=True)
    figures[name] = written
    figures[f"{name}_seed_seconds"] = round(seconds, 1)
    return [t._meta.db_table for t in tables]


def seed_everyday(world: World, sizes: Sizes) -> dict[str, Any]:
    """Seed what is missing; returns the row counts (and seconds of what was seeded)."""
    from django.db import connection

    from rapport.checkins.models import CheckIn
    from rapport.feed.models import Post, Reaction, Reply
    from rapport.helpboard.models import Capacity, HelpRequest, Offer, RequestSkill, Skill
    from rapport.kudos.models import Kudos, KudosReaction, KudosReceiver, KudosReply

    figures: dict[str, Any] = {}
    written = [
        *_once(
            "posts",
            Post,
            (Post, Reply, Reaction),
            world,
            lambda: seed_posts(world, sizes.posts),
            figures,
        ),
        *_once(
            "kudos",
            Kudos,
            (Kudos, KudosReceiver, KudosReaction, KudosReply),
            world,
            lambda: seed_kudos(world, sizes.kudos),
            figures,
        ),
        *_once(
            "checkins",
            CheckIn,
            (CheckIn,),
            world,
            lambda: seed_checkins(world, sizes.checkins),
            figures,
        ),
        *_once(
            "help_requests",
            HelpRequest,
            (Skill, Capacity, Capacity.skills.through, HelpRequest, RequestSkill, Offer),
            world,
            lambda: seed_helpboard(world, sizes.help_requests),
            figures,
        ),
    ]
    if written:
        # Outside the transactions: fresh statistics for the planner, and the visibility
        # map set now (index-only scans) rather than during the first timed requests.
        print("VACUUM (ANALYZE) of the seeded tables…", flush=True)
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(written)}")
        figures["vacuum_seconds"] = round(time.monotonic() - started, 1)
    return figures
