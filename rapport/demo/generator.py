"""The demo organisation: people, teams and months of believable history, all made up.

Everything is drawn from `random.Random(seed)`, so one seed always gives the same
organisation and the same history (the calendar dates move with `today`). Names are random
pairings from two lists: nobody in the demo is a real person.

Two shapes share one code path:

- the curated demo, "Northwind Studio": 80 people in 6 teams (Platform sits inside
  Engineering) across London, Berlin and New York, which is what `rapport demo` shows;
- a large organisation of any size for benchmarks (`seed_demo --people 100000`): teams of
  about 12 inside departments, built with bulk inserts, one shared password hash and a
  history generated as a stream, so memory stays flat however many interactions it writes.

The history follows the rules a real organisation shows in its ledger: dense ties inside
teams, a few bridge people with close contacts in one other team, a handful of people with
almost no ties, quiet weekends, more activity recently, and nothing from people while they
are away (on leave, not yet started, or gone).
"""

from __future__ import annotations

import math
import random
import sys
import unicodedata
import zoneinfo
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from rapport.accounts.models import User
from rapport.audit.actions import Action
from rapport.audit.models import AuditEvent
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.ledger.services import InteractionRow, interactions_bulk_record
from rapport.people.models import Membership, Organization, Person, Team

from .capabilities import seed_capabilities

DEMO_SLUG = "northwind"
DEMO_NAME = "Northwind Studio"
# Care's demo practice (rapport.care.demo) serves the demo organisation; its people are not
# the organisation's, so their sign-ins are listed here beside the employees'.
CARE_THERAPIST_EMAIL = "tracy@harbour-lane.example"
CARE_PRACTICE_ADMIN_EMAIL = "practice@harbour-lane.example"
DEMO_PASSWORD = "rapport-demo"  # every demo person's password, not only the featured accounts
HISTORY_DAYS = 120
DEMO_INTERACTIONS = 10_000
INTERACTIONS_PER_PERSON = 100  # the default history of a large organisation
PEOPLE_PER_TEAM = 12
REBUILD_INDEXES_FROM = 1_000_000  # interactions; see _secondary_indexes_rebuilt
MIN_PEOPLE = 30

# How often a kind of interaction happens, relative to the others.
KIND_MIX: dict[str, float] = {
    Kind.COLLABORATED: 30,
    Kind.REPLIED: 18,
    Kind.KUDOS: 12,
    Kind.HELPED: 9,
    Kind.MET: 9,
    Kind.CHECKED_ON: 7,
    Kind.COMMITMENT_KEPT: 7,
    Kind.TALKED: 3,
    Kind.COMMITMENT_RENEGOTIATED: 2.5,
    Kind.COMMITMENT_LATE: 1.5,
    Kind.COMMITMENT_MISSED: 1,
}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Aino Amara Anouk Arjun Ayla Bastian Beatriz Bram Calla Caspian Dalia Darius Eamon Edda "
    "Elif Emeka Esme Fennel Femi Freya Gideon Greta Hana Hamish Idris Ilse Imogen Ines Jarrah "
    "Joren Kaia Kasimir Leela Leif Linnea Lorcan Maren Mateus Mina Nadia Niamh Nikolai Odile "
    "Orla Oskar Priya Quentin Rafferty Rosalind Ruairi Saoirse Selin Soren Tamsin Teodor "
    "Thea Tobias Una Valentin Wren Xavi Yara Yusuf Zadie Zeno Anselm Brielle Cosima Dario "
    "Elowen Fabian Ginevra Hallie Ivo Juno Kenji Lucan Margit"
)
LAST_NAMES = _words(
    "Abernethy Achterberg Alvarado Amsel Ashdown Balogun Bannerjee Bellweather Birkeland "
    "Brannigan Castellano Cavendish Chaudhry Dagher Delacroix Drummond Eberhardt Ellingham "
    "Eskildsen Falconer Fennimore Gallagher Garroway Haverkamp Holmgren Ibarra Ingleby "
    "Jankowski Kestrel Kowalczyk Lachance Lindqvist Lowther Mabry Macallan Marchetti "
    "Mbeki-Hart Merriweather Nakagawa Navarrete Oduya Okonkwo Ostrander Pemberton Pettersen "
    "Quarrington Radcliffe Rautenbach Ravensworth Saltmarsh Sandoval Sauvageot Sherwood "
    "Sondergaard Stirling Tanaka-Price Thackeray Tremaine Umberfield Vasquez Velasco "
    "Wainwright Westergaard Whitlock Yilmaz Zelenko Zimmerli Achebe-Lowe Brightwater "
    "Corcoran Dunleavy Everleigh Fairbairn Greenhalgh Hollowell Islington Jessop Kilbride"
)
TEAM_WORDS = _words(
    "Atlas Beacon Compass Delta Ember Fjord Granite Harbour Indigo Juniper Kestrel Lantern "
    "Meridian Nimbus Orchard Pioneer Quarry Ridge Summit Tidal Umber Vantage Willow Yonder "
    "Zephyr Anchor Bramble Cedar Driftwood Estuary Foundry Glacier Heron Inlet Jetty Kite "
    "Lighthouse Moss Nettle Oak Pebble Quill Reed Saltmarsh Thicket Upland Vale Wharf"
)


@dataclass(frozen=True, slots=True)
class Office:
    location: str
    time_zone: str


LONDON = Office("London studio", "Europe/London")
BERLIN = Office("Berlin office", "Europe/Berlin")
NEW_YORK = Office("New York office", "America/New_York")
REMOTE = (
    Office("Remote, Lisbon", "Europe/Lisbon"),
    Office("Remote, Edinburgh", "Europe/London"),
    Office("Remote, Hamburg", "Europe/Berlin"),
    Office("Remote, Toronto", "America/Toronto"),
)


@dataclass(frozen=True, slots=True)
class Department:
    name: str
    office: Office
    head_title: str
    lead_title: str
    titles: tuple[str, ...]


LEADERSHIP = Department(
    "Studio Leadership",
    LONDON,
    "Head of Studio",
    "Head of Studio",
    ("Studio Director", "Chief of Staff", "Finance Director", "Operations Director"),
)
DESIGN = Department(
    "Design",
    LONDON,
    "Head of Design",
    "Design Lead",
    (
        "Product Designer",
        "Senior Product Designer",
        "UX Researcher",
        "Content Designer",
        "Illustrator",
        "Design Technologist",
    ),
)
ENGINEERING = Department(
    "Engineering",
    BERLIN,
    "Head of Engineering",
    "Engineering Lead",
    (
        "Software Engineer",
        "Senior Software Engineer",
        "Frontend Engineer",
        "Backend Engineer",
        "QA Engineer",
        "Staff Engineer",
    ),
)
PLATFORM = Department(
    "Platform",
    BERLIN,
    "Head of Platform",
    "Platform Lead",
    ("Site Reliability Engineer", "Platform Engineer", "Data Engineer", "Security Engineer"),
)
CLIENT_SERVICES = Department(
    "Client Services",
    NEW_YORK,
    "Head of Client Services",
    "Client Services Lead",
    ("Account Manager", "Project Manager", "Producer", "Client Partner", "Strategist"),
)
PEOPLE_OPS = Department(
    "People & Operations",
    LONDON,
    "Head of People",
    "People & Operations Lead",
    ("People Partner", "Office Manager", "Recruiter", "Finance Officer", "Operations Coordinator"),
)


@dataclass(frozen=True, slots=True)
class TeamPlan:
    key: int
    name: str
    parent: int | None  # key of the parent team, planned before this one
    size: int
    department: Department
    description: str = ""


@dataclass(slots=True)
class PersonPlan:
    index: int
    display_name: str
    email: str
    team: int
    is_lead: bool
    manager: int | None
    title: str
    office: Office
    work_start: time
    work_end: time
    working_days: str
    start_date: date
    activity: float
    status: str = Person.Status.ACTIVE
    is_org_admin: bool = False
    isolated: bool = False
    bridge_contacts: tuple[int, ...] = ()
    # Days of the history (0 = the oldest) when the person was not around: [from, until).
    away: tuple[int, int] | None = None
    demo_account: str | None = None


@dataclass(frozen=True, slots=True)
class DemoAccount:
    role: str
    email: str
    display_name: str
    what_to_try: str


#: The demo practice's sign-ins (rapport.care.demo): not people of the organisation, so not
#: in `OrganizationPlan.accounts`, but printed beside them.
CARE_ACCOUNTS = (
    DemoAccount(
        "therapist",
        CARE_THERAPIST_EMAIL,
        "Tracy Adeyemi-Clarke",
        "a therapist of the practice the company funds: her schedule and bookings",
    ),
    DemoAccount(
        "practice",
        CARE_PRACTICE_ADMIN_EMAIL,
        "Practice desk",
        "the practice's admin: therapists' hours and schedules, intro requests",
    ),
)


@dataclass
class OrganizationPlan:
    slug: str
    name: str
    seed: int
    today: date
    teams: list[TeamPlan]
    people: list[PersonPlan]
    accounts: list[DemoAccount] = field(default_factory=list)

    @property
    def history_start(self) -> date:
        return self.today - timedelta(days=HISTORY_DAYS)

    def people_in(self, team_key: int) -> list[PersonPlan]:
        return [p for p in self.people if p.team == team_key]


@dataclass(frozen=True, slots=True)
class SeedResult:
    organization: Organization
    created: bool
    people: int
    teams: int
    interactions: int


# --- planning -------------------------------------------------------------------------------


def demo_plan(
    *, seed: int = 1, slug: str = DEMO_SLUG, name: str = DEMO_NAME, today: date | None = None
) -> OrganizationPlan:
    """The curated demo organisation: 80 people, 6 teams, three offices."""
    teams = [
        TeamPlan(0, "Studio Leadership", None, 5, LEADERSHIP, "Runs the studio."),
        TeamPlan(1, "Design", None, 16, DESIGN, "Research, product and brand design."),
        TeamPlan(2, "Engineering", None, 17, ENGINEERING, "Builds what clients ship."),
        TeamPlan(3, "Platform", 2, 12, PLATFORM, "Infrastructure, data and security."),
        TeamPlan(4, "Client Services", None, 19, CLIENT_SERVICES, "Accounts and delivery."),
        TeamPlan(5, "People & Operations", None, 11, PEOPLE_OPS, "Hiring, care and the office."),
    ]
    return _plan(slug=slug, name=name, seed=seed, today=today, teams=teams, unique_names=True)


def large_plan(
    *, people: int, seed: int = 1, slug: str, name: str, today: date | None = None
) -> OrganizationPlan:
    """An organisation of `people` for benchmarks: departments of teams of about 12."""
    if people < MIN_PEOPLE:
        raise ValueError(f"A generated organisation needs at least {MIN_PEOPLE} people.")
    departments = [DESIGN, ENGINEERING, PLATFORM, CLIENT_SERVICES, PEOPLE_OPS]
    team_count = max(len(departments) + 1, round(people / PEOPLE_PER_TEAM))
    base, extra = divmod(people, team_count)
    sizes = [base + (1 if i < extra else 0) for i in range(team_count)]
    teams = [TeamPlan(0, LEADERSHIP.name, None, sizes[0], LEADERSHIP, "Runs the organisation.")]
    for i, department in enumerate(departments, start=1):
        teams.append(TeamPlan(i, department.name, None, sizes[i], department))
    # The rest are teams inside the departments, named after words ("Harbour", "Harbour 2").
    first_team = len(teams)
    for key in range(first_team, team_count):
        parent = 1 + (key - first_team) % len(departments)
        n = (key - first_team) // len(departments)
        word = TEAM_WORDS[n % len(TEAM_WORDS)]
        team_name = word if n < len(TEAM_WORDS) else f"{word} {n // len(TEAM_WORDS) + 1}"
        teams.append(TeamPlan(key, team_name, parent, sizes[key], departments[parent - 1]))
    return _plan(slug=slug, name=name, seed=seed, today=today, teams=teams, unique_names=False)


def _plan(
    *,
    slug: str,
    name: str,
    seed: int,
    today: date | None,
    teams: list[TeamPlan],
    unique_names: bool,
) -> OrganizationPlan:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    history_start = today - timedelta(days=HISTORY_DAYS)
    people: list[PersonPlan] = []
    lead_of: dict[int, int] = {}
    used_names: set[tuple[str, str]] = set()
    used_emails: dict[str, int] = {}
    domain = f"{slug}.example"

    for team in teams:
        for position in range(team.size):
            index = len(people)
            first, last = _name(rng, used_names, unique_names)
            local = _ascii(f"{first}.{last}").lower()
            seen = used_emails.get(local, 0)
            used_emails[local] = seen + 1
            email = f"{local}{seen + 1 if seen else ''}@{domain}"
            is_lead = position == 0
            if is_lead:
                lead_of[team.key] = index
                if team.key == 0:
                    manager = None
                elif team.parent is None:
                    manager = lead_of[0]
                else:
                    manager = lead_of[team.parent]
            else:
                manager = lead_of[team.key]
            department = team.department
            if is_lead:
                title = department.head_title if team.parent is None else department.lead_title
                if team.parent is not None and team.department is not PLATFORM:
                    title = "Team Lead"
            else:
                title = rng.choice(department.titles)
            office = department.office
            if not is_lead and rng.random() < 0.1:
                office = rng.choice(REMOTE)
            work_start, work_end = rng.choices(
                [
                    (time(8, 0), time(16, 30)),
                    (time(8, 30), time(17, 0)),
                    (time(9, 0), time(17, 30)),
                    (time(10, 0), time(18, 30)),
                ],
                weights=[2, 3, 6, 1],
            )[0]
            working_days = rng.choices(["12345", "1234", "2345"], weights=[92, 6, 2])[0]
            activity = min(2.5, max(0.4, rng.lognormvariate(0, 0.35)))
            if is_lead:
                activity *= 1.3
            start = today - timedelta(days=rng.randint(200, 3200))
            people.append(
                PersonPlan(
                    index=index,
                    display_name=f"{first} {last}",
                    email=email,
                    team=team.key,
                    is_lead=is_lead,
                    manager=manager,
                    title=title,
                    office=office,
                    work_start=work_start,
                    work_end=work_end,
                    working_days=working_days,
                    start_date=start,
                    activity=activity,
                )
            )

    plan = OrganizationPlan(
        slug=slug, name=name, seed=seed, today=today, teams=teams, people=people
    )
    _assign_roles(plan, rng, lead_of, history_start)
    return plan


def _name(rng: random.Random, used: set[tuple[str, str]], unique: bool) -> tuple[str, str]:
    while True:
        pair = (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        if not unique or pair not in used:
            used.add(pair)
            return pair


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _assign_roles(
    plan: OrganizationPlan, rng: random.Random, lead_of: dict[int, int], history_start: date
) -> None:
    """Demo accounts, org admins, and the people whose story the demo tells: isolated
    people, bridges, someone on leave, someone back from leave, someone who left, new
    joiners. Each is a different person."""
    people = plan.people
    n = len(people)
    design = next(t.key for t in plan.teams if t.department is DESIGN and t.parent is None)
    people_ops = next(t.key for t in plan.teams if t.department is PEOPLE_OPS and t.parent is None)
    domain = f"{plan.slug}.example"

    member = next(p for p in people if p.team == design and not p.is_lead)
    lead = people[lead_of[design]]
    admin = next(p for p in people if p.team == people_ops and not p.is_lead)
    head_of_people = people[lead_of[people_ops]]
    member.email, member.demo_account = f"member@{domain}", "member"
    lead.email, lead.demo_account = f"lead@{domain}", "lead"
    admin.email, admin.demo_account = f"admin@{domain}", "admin"
    admin.is_org_admin = head_of_people.is_org_admin = True
    admin.title = "People Partner"
    plan.accounts = [
        DemoAccount(
            "member",
            member.email,
            member.display_name,
            "a designer: check in, thank someone, the help board, a promise, booking Care",
        ),
        DemoAccount(
            "team lead",
            lead.email,
            lead.display_name,
            "leads Design: the team's check-ins and follow-through, a pairing round",
        ),
        DemoAccount(
            "org admin",
            admin.email,
            admin.display_name,
            "the people team: roster import, values, pairing programs, audit log",
        ),
    ]

    reserved = {member.index, lead.index, admin.index, head_of_people.index, lead_of[0]}
    # The leadership team stays out of the stories: an isolated head of finance would jar.
    pool = [p for p in people if not p.is_lead and p.index not in reserved and p.team != 0]
    rng.shuffle(pool)

    def take(count: int, *, spread: bool = False) -> list[PersonPlan]:
        # One pass over the pool (removing one by one would be quadratic at scale).
        nonlocal pool
        chosen: list[PersonPlan] = []
        rest: list[PersonPlan] = []
        teams_used: set[int] = set()
        for person in pool:
            crowded = spread and person.team in teams_used
            if len(chosen) < count and not (crowded and len(teams_used) < len(plan.teams) - 1):
                chosen.append(person)
                teams_used.add(person.team)
            else:
                rest.append(person)
        pool = rest
        return chosen

    for person in take(max(3, round(n * 0.045)), spread=True):
        person.isolated = True
        person.activity = 0.04
    bridges = take(max(3, round(n * 0.04)), spread=True)
    for person in take(max(1, round(n * 0.02))):
        person.status = Person.Status.LEFT
        person.away = (rng.randint(50, 75), HISTORY_DAYS)
    for person in take(max(1, round(n * 0.01))):
        person.status = Person.Status.ON_LEAVE
        person.away = (rng.randint(80, 95), HISTORY_DAYS)
    for person in take(max(1, round(n * 0.01))):
        person.status = Person.Status.RETURNING
        person.away = (rng.randint(15, 30), HISTORY_DAYS - rng.randint(7, 12))
    for person in take(max(2, round(n * 0.03))):
        started = rng.randint(HISTORY_DAYS - 45, HISTORY_DAYS - 10)
        person.away = (0, started)
        person.start_date = history_start + timedelta(days=started)

    # A bridge works closely with a few people of one other team (their usual contacts).
    available = {p.index for p in pool} | {member.index, admin.index}
    by_team: dict[int, list[int]] = {}
    for p in people:
        if p.index in available or p.is_lead:
            by_team.setdefault(p.team, []).append(p.index)
    for person in bridges:
        other = rng.choice([t.key for t in plan.teams if t.key not in (person.team, 0)])
        candidates = by_team.get(other, [])
        person.bridge_contacts = tuple(rng.sample(candidates, k=min(4, len(candidates))))
        person.activity = max(person.activity, 1.0) * 1.2


# --- history --------------------------------------------------------------------------------


def interaction_rows(
    plan: OrganizationPlan, *, organization_id: int, person_ids: list[int], total: int
) -> Iterator[InteractionRow]:
    """`total` interactions over the last HISTORY_DAYS days, generated one day at a time.

    `person_ids[i]` is the database id of `plan.people[i]`. Deterministic for a plan.
    """
    rng = random.Random(f"{plan.seed}-history")
    people = plan.people
    n = len(people)
    population = range(n)
    team_members: dict[int, list[int]] = {}
    for p in people:
        team_members.setdefault(p.team, []).append(p.index)
    team_of = [p.team for p in people]
    manager_of = [-1 if p.manager is None else p.manager for p in people]
    contacts = [p.bridge_contacts for p in people]
    isolated = {p.index for p in people if p.isolated}
    away = {p.index: p.away for p in people if p.away is not None}
    part_time = {
        p.index: {int(c) - 1 for c in p.working_days} for p in people if p.working_days != "12345"
    }
    zones = sorted({p.office.time_zone for p in people})
    zone_of = [zones.index(p.office.time_zone) for p in people]
    start_minute = [p.work_start.hour * 60 + p.work_start.minute for p in people]
    span = [(p.work_end.hour * 60 + p.work_end.minute) - start_minute[p.index] for p in people]
    cum_activity = _cumulative([p.activity for p in people])
    kinds = list(KIND_MIX)
    cum_kinds = _cumulative(list(KIND_MIX.values()))

    days = [plan.history_start + timedelta(days=d) for d in range(HISTORY_DAYS)]
    # Quiet weekends, and a slow build-up: the last weeks are about twice as busy as the first.
    day_weight = [
        (1.0 if day.weekday() < 5 else 0.05) * (0.5 + 0.5 * d / (HISTORY_DAYS - 1))
        for d, day in enumerate(days)
    ]
    per_day = _split(total, day_weight)

    def present(person: int, d: int, weekday: int) -> bool:
        window = away.get(person)
        if window is not None and window[0] <= d < window[1]:
            return False
        workdays = part_time.get(person)
        return workdays is None or weekday >= 5 or weekday in workdays

    def partner_for(actor: int, d: int, weekday: int) -> int | None:
        for _attempt in range(12):
            r = rng.random()
            if contacts[actor] and r < 0.45:
                other = rng.choice(contacts[actor])
            elif r < 0.06 and manager_of[actor] >= 0:
                other = manager_of[actor]
            elif r < 0.14:
                other = rng.randrange(n)  # a weak tie: anyone
            else:
                other = rng.choice(team_members[team_of[actor]])
            if other == actor or not present(other, d, weekday):
                continue
            if other in isolated and rng.random() < 0.95:
                continue
            return other
        return None

    for d, (day, count) in enumerate(zip(days, per_day, strict=True)):
        weekday = day.weekday()
        midnight = [_utc_midnight(day, zone) for zone in zones]
        actors = rng.choices(population, cum_weights=cum_activity, k=count)
        day_kinds = rng.choices(kinds, cum_weights=cum_kinds, k=count)
        for actor, kind in zip(actors, day_kinds, strict=True):
            # Someone away, or without anyone around to interact with: draw another actor,
            # so that the history has exactly `total` rows.
            for _attempt in range(50):
                if present(actor, d, weekday):
                    other = partner_for(actor, d, weekday)
                    if other is not None:
                        break
                actor = rng.choices(population, cum_weights=cum_activity)[0]
            else:
                continue  # nobody is around at all: only in a tiny, mostly absent plan
            minute = start_minute[actor] + rng.random() * span[actor]
            yield InteractionRow(
                organization_id=organization_id,
                actor_id=person_ids[actor],
                other_id=person_ids[other],
                kind=kind,
                occurred_at=midnight[zone_of[actor]] + timedelta(minutes=minute),
            )


def _cumulative(weights: list[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, exactly (the remainder goes to recent days)."""
    scale = total / sum(weights)
    counts = [math.floor(w * scale) for w in weights]
    remainder = total - sum(counts)
    for i in range(remainder):
        counts[len(counts) - 1 - i % len(counts)] += 1
    return counts


def _utc_midnight(day: date, zone: str) -> datetime:
    local = datetime.combine(day, time(0, 0), tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(UTC)


# --- writing --------------------------------------------------------------------------------


def demo_seed(
    *,
    plan: OrganizationPlan,
    interactions: int,
    progress: bool = False,
    batch_size: int = 5_000,
    capabilities: bool = True,
) -> SeedResult:
    """Create the planned organisation with its history, unless it already has people.

    `capabilities`: also seed each capability's history (check-ins, kudos, …, see
    `rapport.demo.capabilities`); the large benchmark organisations seed their own.

    One transaction: an interrupted seed leaves nothing behind, and running it again after
    a complete one changes nothing.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Check foreign keys row by row rather than queueing millions of checks for the
            # commit.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        organization, _ = Organization.objects.get_or_create(
            slug=plan.slug, defaults={"name": plan.name}
        )
        # Two seeds at once: the second waits here, then finds the people of the first.
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if Person.objects.in_organization(organization).exists():
            return SeedResult(
                organization=organization,
                created=False,
                people=Person.objects.in_organization(organization).count(),
                teams=Team.objects.in_organization(organization).count(),
                interactions=Interaction.objects.in_organization(organization).count(),
            )
        person_ids = _create_people(plan, organization, progress=progress, batch_size=batch_size)
        rows = interaction_rows(
            plan, organization_id=organization.pk, person_ids=person_ids, total=interactions
        )
        with (
            _secondary_indexes_rebuilt(enabled=interactions >= REBUILD_INDEXES_FROM),
            tqdm(
                total=interactions,
                desc="interactions",
                unit="row",
                unit_scale=True,
                file=sys.stderr,
                disable=not progress,
                mininterval=2.0,
            ) as bar,
        ):
            written = interactions_bulk_record(_counted(rows, bar))
        _record_setup(organization, people=len(plan.people), teams=len(plan.teams))
        if capabilities:
            seed_capabilities(organization=organization, plan=plan)
    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner knows the tables are no longer empty; outside a
        # transaction also VACUUM, which sets the rows' hint bits and visibility map once
        # now, not during the first queries that read them.
        tables = ", ".join(m._meta.db_table for m in (User, Person, Team, Membership, Interaction))
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {tables}")
    return SeedResult(
        organization=organization,
        created=True,
        people=len(plan.people),
        teams=len(plan.teams),
        interactions=written,
    )


def _record_setup(organization: Organization, *, people: int, teams: int) -> None:
    """The people team's first steps, so the audit log is not empty on the first visit: the
    roster import that created everyone, and the roles given out afterwards."""
    admins = list(
        Person.objects.in_organization(organization).filter(is_org_admin=True).order_by("pk")
    )
    if not admins:
        return
    first = admins[0]
    start = timezone.now() - timedelta(days=HISTORY_DAYS + 1)

    def by_first_admin(
        action: str, at: datetime, details: Mapping[str, object], target: Person | None = None
    ) -> AuditEvent:
        return AuditEvent(
            organization=organization,
            actor=first,
            actor_label=first.display_name,
            action=action,
            target_type="person" if target else "",
            target_id=target.pk if target else None,
            target_label=target.display_name if target else "",
            details=dict(details),
            created_at=at,
        )

    imported = {"created": people, "updated": 0, "unchanged": 0, "teams_created": teams}
    events = [by_first_admin(Action.ROSTER_IMPORTED, start, imported)]
    leads = Membership.objects.filter(
        team__organization=organization, role=Membership.Role.LEAD
    ).select_related("person")
    for n, membership in enumerate(leads.order_by("team__name")[:12]):
        at = start + timedelta(hours=2, minutes=7 * n)
        leads_team = {"leads_team_ids": [membership.team_id], "via": "members page"}
        events.append(by_first_admin(Action.ROLE_CHANGED, at, leads_team, membership.person))
    for n, admin in enumerate(admins[1:]):
        at = start + timedelta(days=1, minutes=n)
        made_admin = {"org_admin": True, "org_admin_before": False}
        events.append(by_first_admin(Action.ROLE_CHANGED, at, made_admin, admin))
    AuditEvent.objects.bulk_create(events)


@contextmanager
def _secondary_indexes_rebuilt(*, enabled: bool) -> Iterator[None]:
    """Drop the ledger's secondary indexes for the inserts and build them again after.

    Millions of rows inserted into indexes keyed by person land on random pages, which is
    what makes a large seed slow; building each index once from the finished table is many
    times faster. The indexes are recreated from their own definitions as the database
    reports them, so whatever the migrations made comes back exactly. Inside the seed's
    transaction: an interrupted seed leaves them untouched.
    """
    if not enabled:
        yield
        return
    table = Interaction._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Not the indexes behind constraints (the primary key): those stay.
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid = %s::regclass
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                """,
                [table],
            )
        else:
            # sql is NULL for the indexes SQLite makes itself (primary key, UNIQUE).
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)


def _counted(rows: Iterator[InteractionRow], bar: tqdm) -> Iterator[InteractionRow]:
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending == 10_000:
            bar.update(pending)
            pending = 0
    bar.update(pending)


def _create_people(
    plan: OrganizationPlan, organization: Organization, *, progress: bool, batch_size: int
) -> list[int]:
    """Teams, users, people and memberships by bulk insert; returns the people's ids.

    People are inserted managers first (the head, then leads, then their teams), so every
    manager id is known when a report is inserted. All users share one password hash:
    hashing is deliberately slow and would take hours for a large organisation.
    """
    team_ids: dict[int, int] = {}
    depth = {t.key: 0 if t.parent is None else -1 for t in plan.teams}
    for team in plan.teams:
        if team.parent is not None:
            depth[team.key] = depth[team.parent] + 1
    for level in sorted(set(depth.values())):
        batch = [t for t in plan.teams if depth[t.key] == level]
        created = Team.objects.bulk_create(
            [
                Team(
                    organization=organization,
                    name=t.name,
                    parent_id=None if t.parent is None else team_ids[t.parent],
                    description=t.description,
                )
                for t in batch
            ],
            batch_size=batch_size,
        )
        team_ids.update({t.key: c.pk for t, c in zip(batch, created, strict=True)})

    password = make_password(DEMO_PASSWORD)
    rank = [0] * len(plan.people)
    for p in plan.people:  # managers come before their reports in the plan
        rank[p.index] = 0 if p.manager is None else rank[p.manager] + 1
    order = sorted(range(len(plan.people)), key=lambda i: (rank[i], i))
    person_ids = [0] * len(plan.people)
    with tqdm(
        total=len(plan.people),
        desc="people",
        unit="person",
        file=sys.stderr,
        disable=not progress,
    ) as bar:
        start = 0
        while start < len(order):
            # A batch never mixes levels, so its managers are already in the database.
            end = min(start + batch_size, len(order))
            while rank[order[end - 1]] != rank[order[start]]:
                end -= 1
            chunk = [plan.people[i] for i in order[start:end]]
            _create_chunk(chunk, organization, password, person_ids, team_ids)
            bar.update(len(chunk))
            start = end
    return person_ids


def _create_chunk(
    chunk: list[PersonPlan],
    organization: Organization,
    password: str,
    person_ids: list[int],
    team_ids: dict[int, int],
) -> None:
    users = User.objects.bulk_create(
        [
            User(
                email=p.email,
                password=password,
                is_active=p.status != Person.Status.LEFT,
                date_joined=datetime.combine(p.start_date, time(9, 0), tzinfo=UTC),
            )
            for p in chunk
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(
                user_id=user.pk,
                organization=organization,
                display_name=p.display_name,
                time_zone=p.office.time_zone,
                location=p.office.location,
                manager_id=None if p.manager is None else person_ids[p.manager],
                start_date=p.start_date,
                status=p.status,
                is_org_admin=p.is_org_admin,
                title=p.title,
                work_start=p.work_start,
                work_end=p.work_end,
                working_days=p.working_days,
            )
            for p, user in zip(chunk, users, strict=True)
        ]
    )
    for p, person in zip(chunk, people, strict=True):
        person_ids[p.index] = person.pk
    Membership.objects.bulk_create(
        [
            Membership(
                person_id=person.pk,
                team_id=team_ids[p.team],
                role=Membership.Role.LEAD if p.is_lead else Membership.Role.MEMBER,
            )
            for p, person in zip(chunk, people, strict=True)
        ]
    )
