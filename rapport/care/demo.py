"""Care in the demo: Harbour Lane Counselling serves the demo organisation (8 funded
sessions per person per year). Tracy Adeyemi-Clarke's specialties are toxic workplaces,
balancing work and life, coming back after time away, and regaining confidence; three
colleagues cover other ground. Everyone has weekly hours, so a member can
find Tracy and book, move and cancel at once.

Sign-in (password: `rapport.demo.generator.DEMO_PASSWORD`):
- therapist: tracy@harbour-lane.example
- practice admin: practice@harbour-lane.example

The practice and its people are shared by every organisation seeded (a practice serves
several organisations); each organisation gets its own contract and its own history.
History is written with bulk_create (no emails, no notifications): past sessions of some
people, and upcoming ones in the therapists' calendars, on real free slots.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import make_password

from rapport.accounts.models import User
from rapport.demo.generator import CARE_PRACTICE_ADMIN_EMAIL, CARE_THERAPIST_EMAIL
from rapport.people.models import Organization, Person

from . import slots
from .models import (
    Booking,
    CareContract,
    IntroRequest,
    Practice,
    PracticeAdmin,
    SessionType,
    Specialty,
    Therapist,
    WeeklyHours,
    codes_field_value,
)

if TYPE_CHECKING:
    from rapport.demo.generator import OrganizationPlan

PRACTICE_SLUG = "harbour-lane"
THERAPIST_EMAIL = CARE_THERAPIST_EMAIL
PRACTICE_ADMIN_EMAIL = CARE_PRACTICE_ADMIN_EMAIL
FUNDED_SESSIONS = 8

S = Specialty
THERAPISTS: list[dict[str, Any]] = [
    {
        "email": THERAPIST_EMAIL,
        "display_name": "Tracy Adeyemi-Clarke",
        "pronouns": "she/her",
        "credentials": "MSc Counselling Psychology, BACP accredited",
        "time_zone": "Europe/London",
        "specialties": [S.TOXIC_WORKPLACE, S.WORK_LIFE_BALANCE, S.RETURN_TO_WORK, S.EMPOWERMENT],
        "languages": ["en", "yo"],
        "bio": (
            "Before training as a counsellor I spent ten years in busy open-plan offices, so I "
            "know how a difficult workplace follows you home. I work with people who feel "
            "worn down by how they are treated at work, who are finding their way back after "
            "time away, or who want to feel like themselves in meetings again. Sessions are "
            "practical and unhurried: we look at what is happening, what you need, and one "
            "thing you could try this week."
        ),
        "hours": {
            1: [(9, 13), (14, 18)],
            2: [(9, 13), (14, 18)],
            3: [(12, 19)],
            4: [(9, 13), (14, 18)],
            5: [(9, 13)],
        },
        "in_person": "Harbour Lane Counselling, 14 Harbour Lane, Bristol BS1 4QA",
    },
    {
        "email": "jonah@harbour-lane.example",
        "display_name": "Jonah Whitfield",
        "pronouns": "he/him",
        "credentials": "Psychotherapist (HPG), CBT",
        "time_zone": "Europe/Berlin",
        "specialties": [S.BURNOUT, S.STRESS_ANXIETY, S.WORK_LIFE_BALANCE],
        "languages": ["en", "de"],
        "bio": (
            "I help people who are running on empty: the endless to-do list, the Sunday "
            "dread, the sense that rest never quite works. We use tools from cognitive "
            "behavioural therapy, at a pace that fits a full diary."
        ),
        "hours": {d: [(8, 12), (13, 16)] for d in (1, 2, 3, 4)},
        "in_person": "",
    },
    {
        "email": "marisol@harbour-lane.example",
        "display_name": "Marisol Vega",
        "pronouns": "she/her",
        "credentials": "LMHC, certified mediator",
        "time_zone": "America/New_York",
        "specialties": [S.CONFLICT, S.CAREER_CHANGE, S.EMPOWERMENT],
        "languages": ["en", "es"],
        "bio": (
            "Conflict at work is exhausting when it goes unspoken. I help people prepare for "
            "hard conversations, set boundaries that hold, and think clearly about whether "
            "to stay or to go."
        ),
        "hours": {d: [(9, 17)] for d in (1, 2, 3, 4, 5)},
        "in_person": "",
    },
    {
        "email": "priyanka@harbour-lane.example",
        "display_name": "Priyanka Rao",
        "pronouns": "she/her",
        "credentials": "Counsellor, UKCP registered",
        "time_zone": "Europe/London",
        "specialties": [S.GRIEF, S.STRESS_ANXIETY, S.RETURN_TO_WORK],
        "languages": ["en", "hi"],
        "bio": (
            "Loss changes how work feels: the meetings, the small talk, the pace. I work "
            "with grief and anxiety, and with people going back to work after a hard time."
        ),
        "hours": {2: [(10, 18)], 4: [(10, 18)], 6: [(9, 12)]},
        "in_person": "",
    },
]


def _user(email: str, password: str) -> User:
    user, _created = User.objects.get_or_create(email=email, defaults={"password": password})
    return user


def _practice(password: str) -> Practice:
    practice, _ = Practice.objects.get_or_create(
        slug=PRACTICE_SLUG,
        defaults={
            "name": "Harbour Lane Counselling",
            "email": "hello@harbour-lane.example",
            "about": (
                "A small practice of counsellors and psychotherapists who work with what work "
                "does to people. Video sessions across time zones, and a quiet room in Bristol."
            ),
        },
    )
    admin = _user(PRACTICE_ADMIN_EMAIL, password)
    PracticeAdmin.objects.get_or_create(practice=practice, user=admin)
    for spec in THERAPISTS:
        if Therapist.objects.filter(user__email=spec["email"]).exists():
            continue
        therapist = Therapist.objects.create(
            practice=practice,
            user=_user(str(spec["email"]), password),
            display_name=spec["display_name"],
            pronouns=spec["pronouns"],
            credentials=spec["credentials"],
            bio=spec["bio"],
            time_zone=spec["time_zone"],
            specialties=codes_field_value(list(spec["specialties"])),
            languages=codes_field_value(list(spec["languages"])),
            buffer_after_minutes=10,
            min_notice_hours=12,
            horizon_days=60,
            max_sessions_per_day=6,
            slot_step_minutes=60,
        )
        slug = str(spec["email"]).split("@")[0]
        SessionType.objects.create(
            therapist=therapist,
            name="Introduction call",
            duration_minutes=15,
            is_intro=True,
            video_link=f"https://video.harbour-lane.example/{slug}-intro",
            position=0,
        )
        SessionType.objects.create(
            therapist=therapist,
            name="Session",
            duration_minutes=50,
            video_link=f"https://video.harbour-lane.example/{slug}",
            position=1,
        )
        if spec["in_person"]:
            SessionType.objects.create(
                therapist=therapist,
                name="Session in person",
                duration_minutes=50,
                mode=SessionType.Mode.IN_PERSON,
                address=spec["in_person"],
                position=2,
            )
        WeeklyHours.objects.bulk_create(
            WeeklyHours(therapist=therapist, weekday=day, start=time(a), end=time(b))
            for day, windows in spec["hours"].items()
            for a, b in windows
        )
    return practice


def seed(*, organization: Organization, plan: OrganizationPlan) -> None:
    from rapport.demo.generator import DEMO_PASSWORD

    rng = random.Random(f"{plan.seed}-care")
    practice = _practice(make_password(DEMO_PASSWORD))
    contract, _ = CareContract.objects.get_or_create(
        organization=organization, defaults={"funded_sessions_per_year": FUNDED_SESSIONS}
    )
    contract.practices.add(practice)

    therapists = list(
        Therapist.objects.filter(practice=practice)
        .select_related("user")
        .prefetch_related("session_types", "weekly_hours")
    )
    featured = {a.email for a in plan.accounts}
    people = list(
        Person.objects.in_organization(organization)
        .exclude(status=Person.Status.LEFT)
        .exclude(user__email__in=featured)
        .order_by("pk")
    )
    if not people or not therapists:
        return
    clients = rng.sample(people, k=min(len(people), max(6, len(people) // 6)))
    now = datetime.combine(plan.today, time(12), tzinfo=UTC)
    rows: list[Booking] = []
    taken: dict[int, list[slots.Booked]] = {t.pk: [] for t in therapists}
    # Other organisations' clients already in these calendars (a shared practice).
    for therapist_id, start, blocked_from, blocked_until in (
        Booking.objects.active()
        .filter(therapist__in=therapists)
        .values_list("therapist_id", "starts_at", "blocked_from", "blocked_until")
    ):
        taken[therapist_id].append(slots.Booked(start, blocked_from, blocked_until))

    def place(person: Person, therapist: Therapist, start: datetime, status: str) -> None:
        session = next(t for t in therapist.session_types.all() if not t.is_intro)
        end = start + session.duration
        booked = slots.Booked(start, start, end + therapist.buffer_after)
        if any(
            b.blocked_from < booked.blocked_until and booked.blocked_from < b.blocked_until
            for b in taken[therapist.pk]
        ):
            return
        taken[therapist.pk].append(booked)
        rows.append(
            Booking(
                organization=organization,
                client=person,
                therapist=therapist,
                session_type=session,
                starts_at=start,
                ends_at=end,
                blocked_from=start,
                blocked_until=end + therapist.buffer_after,
                status=status,
                funded=True,
                created_at=start - timedelta(days=rng.randint(3, 20)),
                updated_at=start - timedelta(days=2),
            )
        )

    tracy = next((t for t in therapists if t.user.email == THERAPIST_EMAIL), therapists[0])
    for index, person in enumerate(clients):
        # Every third client sees Tracy, so her calendar reads like a real one.
        therapist = tracy if index % 3 == 0 else rng.choice(therapists)
        rules = slots.Rules(
            time_zone=therapist.time_zone,
            weekly=[h.as_rule() for h in therapist.weekly_hours.all()],
            min_notice=timedelta(0),
            horizon=timedelta(days=400),
            step=timedelta(minutes=therapist.slot_step_minutes),
        )
        # A course of sessions that began weeks ago; for half of them, some still to come.
        ongoing = index % 2 == 0
        begin = now - timedelta(days=rng.randint(5, 25) if ongoing else rng.randint(40, 150))
        for week in range(rng.randint(2, 6)):
            day_start = begin + timedelta(days=7 * week + rng.randint(0, 2))
            options = slots.available_slots(
                rules=rules,
                duration=timedelta(minutes=50),
                now=day_start - timedelta(days=1),
                start=day_start,
                until=day_start + timedelta(days=3),
            )
            if not options:
                continue
            start = rng.choice(options).start
            if start < now:
                status = Booking.Status.NO_SHOW if rng.random() < 0.06 else Booking.Status.ATTENDED
            elif start < now + timedelta(hours=24):
                continue
            else:
                status = Booking.Status.CONFIRMED
            place(person, therapist, start, status)
    Booking.objects.bulk_create(rows)
    _intro_requests(practice, now)


def _intro_requests(practice: Practice, now: datetime) -> None:
    """Two people from the public page: one waiting for an answer, one already handled."""
    if IntroRequest.objects.filter(practice=practice).exists():
        return
    IntroRequest.objects.bulk_create(
        [
            IntroRequest(
                practice=practice,
                name="Sam Okafor",
                email="sam.okafor@example.com",
                created_at=now - timedelta(days=1, hours=3),
                confirmed_at=now - timedelta(days=1, hours=2),
            ),
            IntroRequest(
                practice=practice,
                name="Lena Fischer",
                email="lena.fischer@example.com",
                created_at=now - timedelta(days=6),
                confirmed_at=now - timedelta(days=6),
                handled_at=now - timedelta(days=5),
            ),
        ]
    )
