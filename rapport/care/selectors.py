"""Reads for Care: the directory, slots, allowances, schedules and sealed usage figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from rapport.people.models import Person
from rapport.privacy.gate import Group, Result
from rapport.privacy.services import release_aggregates

from . import slots
from .models import (
    Booking,
    CareContract,
    DateException,
    IntroRequest,
    Practice,
    SessionType,
    Therapist,
    WeeklyHours,
)

#: Bookings that count as a session used: booked or held, not cancelled.
USED = (Booking.Status.CONFIRMED, Booking.Status.ATTENDED, Booking.Status.NO_SHOW)


# --- contracts and allowances --------------------------------------------------------------


def contract_for(*, organization_id: int) -> CareContract | None:
    return (
        CareContract.objects.filter(organization_id=organization_id, active=True)
        .prefetch_related("practices")
        .first()
    )


def year_bounds(*, year: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return (
        datetime.combine(date(year, 1, 1), time.min, tzinfo=tz),
        datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=tz),
    )


@dataclass(frozen=True)
class Allowance:
    offered: bool
    per_year: int
    used: int
    year: int

    @property
    def left(self) -> int:
        return max(0, self.per_year - self.used)


def allowance_for(*, person: Person, year: int | None = None) -> Allowance:
    """Funded sessions for the person's calendar year (in their own time zone)."""
    year = year or timezone.now().astimezone(person.tz).year
    contract = contract_for(organization_id=person.organization_id)
    if contract is None:
        return Allowance(offered=False, per_year=0, used=0, year=year)
    start, end = year_bounds(year=year, tz=person.tz)
    used = Booking.objects.filter(
        client=person, funded=True, status__in=USED, starts_at__gte=start, starts_at__lt=end
    ).count()
    return Allowance(offered=True, per_year=contract.funded_sessions_per_year, used=used, year=year)


# --- the directory -------------------------------------------------------------------------


def therapists_for(
    *, viewer: Person, specialty: str = "", language: str = "", query: str = ""
) -> QuerySet[Therapist]:
    """Therapists the viewer's organisation offers, with their bookable session types."""
    therapists = Therapist.objects.visible_to(viewer).select_related("practice")
    if specialty:
        therapists = therapists.filter(specialties__contains=f",{specialty},")
    if language:
        therapists = therapists.filter(languages__contains=f",{language},")
    if query:
        therapists = therapists.filter(Q(display_name__icontains=query) | Q(bio__icontains=query))
    return therapists.prefetch_related(
        Prefetch("session_types", queryset=SessionType.objects.filter(is_active=True))
    ).order_by("display_name", "id")


# --- slots ---------------------------------------------------------------------------------


def rules_for(
    therapist: Therapist,
    *,
    weekly: list[WeeklyHours] | None = None,
    exceptions: list[DateException] | None = None,
) -> slots.Rules:
    if weekly is None:
        weekly = list(WeeklyHours.objects.filter(therapist=therapist))
    if exceptions is None:
        exceptions = list(
            DateException.objects.filter(
                therapist=therapist, day__gte=timezone.now().date() - timedelta(days=2)
            )
        )
    return slots.Rules(
        time_zone=therapist.time_zone,
        weekly=[hours.as_rule() for hours in weekly],
        time_off=[
            slots.TimeOff(e.day, e.start, e.end)
            for e in exceptions
            if e.kind == DateException.Kind.OFF
        ],
        extra=[
            slots.ExtraHours(e.day, e.start, e.end)
            for e in exceptions
            if e.kind == DateException.Kind.EXTRA and e.start is not None and e.end is not None
        ],
        buffer_before=therapist.buffer_before,
        buffer_after=therapist.buffer_after,
        min_notice=timedelta(hours=therapist.min_notice_hours),
        horizon=timedelta(days=therapist.horizon_days),
        max_per_day=therapist.max_sessions_per_day,
        step=timedelta(minutes=therapist.slot_step_minutes),
    )


def booked_for(
    therapist: Therapist,
    *,
    start: datetime,
    until: datetime,
    exclude_pk: int | None = None,
) -> list[slots.Booked]:
    """Active bookings near [start, until): two days either side, for daily counts."""
    bookings = Booking.objects.active().filter(
        therapist=therapist,
        blocked_until__gt=start - timedelta(days=2),
        blocked_from__lt=until + timedelta(days=2),
    )
    if exclude_pk is not None:
        bookings = bookings.exclude(pk=exclude_pk)
    return [
        slots.Booked(start=s, blocked_from=f, blocked_until=u)
        for s, f, u in bookings.values_list("starts_at", "blocked_from", "blocked_until")
    ]


def slots_for(
    *,
    therapist: Therapist,
    session_type: SessionType,
    start: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
    exclude_pk: int | None = None,
) -> list[slots.Slot]:
    now = now or timezone.now()
    rules = rules_for(therapist)
    lower = max(start or now, now)
    upper = until or now + rules.horizon
    return slots.available_slots(
        rules=rules,
        duration=session_type.duration,
        now=now,
        booked=booked_for(therapist, start=lower, until=upper, exclude_pk=exclude_pk),
        start=start,
        until=until,
    )


def soonest_slot(
    *, therapist: Therapist, session_type: SessionType, now: datetime | None = None
) -> slots.Slot | None:
    now = now or timezone.now()
    rules = rules_for(therapist)
    return slots.first_available(
        rules=rules,
        duration=session_type.duration,
        now=now,
        booked=booked_for(therapist, start=now, until=now + rules.horizon),
    )


def default_session_type(therapist: Therapist) -> SessionType | None:
    """The first non-intro session type, else the first one."""
    types = list(therapist.session_types.all())
    active = [t for t in types if t.is_active]
    return next((t for t in active if not t.is_intro), active[0] if active else None)


@dataclass(frozen=True)
class DirectoryEntry:
    therapist: Therapist
    session_type: SessionType | None
    soonest: slots.Slot | None


def directory(
    *,
    viewer: Person,
    specialty: str = "",
    language: str = "",
    sort: str = "soonest",
    now: datetime | None = None,
) -> list[DirectoryEntry]:
    """The therapists the viewer may book, each with their soonest slot. A fixed number of
    queries however many therapists: hours, exceptions and bookings are loaded in bulk."""
    now = now or timezone.now()
    therapists = list(therapists_for(viewer=viewer, specialty=specialty, language=language))
    ids = [t.pk for t in therapists]
    weekly: dict[int, list[WeeklyHours]] = defaultdict(list)
    for hours in WeeklyHours.objects.filter(therapist_id__in=ids):
        weekly[hours.therapist_id].append(hours)
    exceptions: dict[int, list[DateException]] = defaultdict(list)
    for exception in DateException.objects.filter(
        therapist_id__in=ids, day__gte=now.date() - timedelta(days=2)
    ):
        exceptions[exception.therapist_id].append(exception)
    booked: dict[int, list[slots.Booked]] = defaultdict(list)
    for therapist_id, start, blocked_from, blocked_until in (
        Booking.objects.active()
        .filter(therapist_id__in=ids, blocked_until__gt=now - timedelta(days=2))
        .values_list("therapist_id", "starts_at", "blocked_from", "blocked_until")
    ):
        booked[therapist_id].append(slots.Booked(start, blocked_from, blocked_until))
    entries = []
    for therapist in therapists:
        session_type = default_session_type(therapist)
        soonest = None
        if session_type is not None:
            rules = rules_for(
                therapist, weekly=weekly[therapist.pk], exceptions=exceptions[therapist.pk]
            )
            soonest = slots.first_available(
                rules=rules, duration=session_type.duration, now=now, booked=booked[therapist.pk]
            )
        entries.append(DirectoryEntry(therapist, session_type, soonest))
    if sort != "name":
        far = now + timedelta(days=10_000)
        entries.sort(key=lambda e: (e.soonest.start if e.soonest else far, e.therapist.pk))
    return entries


# --- the member's bookings ------------------------------------------------------------------


def bookings_for(*, viewer: Person, upcoming: bool | None = None) -> QuerySet[Booking]:
    bookings = Booking.objects.visible_to(viewer).select_related(
        "therapist", "therapist__practice", "session_type"
    )
    now = timezone.now()
    if upcoming is True:
        return bookings.filter(status=Booking.Status.CONFIRMED, ends_at__gt=now).order_by(
            "starts_at", "id"
        )
    if upcoming is False:
        return bookings.filter(Q(ends_at__lte=now) | Q(status=Booking.Status.CANCELLED)).order_by(
            "-starts_at", "-id"
        )
    return bookings.order_by("-starts_at", "-id")


# --- the therapist's side ------------------------------------------------------------------


def sessions_for(
    *, therapist: Therapist, upcoming: bool = True, include_cancelled: bool = False
) -> QuerySet[Booking]:
    sessions = Booking.objects.filter(therapist=therapist).select_related("client", "session_type")
    if not include_cancelled:
        sessions = sessions.active()
    now = timezone.now()
    if upcoming:
        return sessions.filter(ends_at__gt=now).order_by("starts_at", "id")
    return sessions.filter(ends_at__lte=now).order_by("-starts_at", "-id")


def practice_therapists(*, practices: QuerySet[Practice]) -> QuerySet[Therapist]:
    return (
        Therapist.objects.filter(practice__in=practices)
        .select_related("practice", "user")
        .order_by("practice__name", "display_name", "id")
    )


def intro_requests_for(*, practices: QuerySet[Practice]) -> QuerySet[IntroRequest]:
    return (
        IntroRequest.objects.filter(practice__in=practices, confirmed_at__isnull=False)
        .select_related("practice")
        .order_by("-confirmed_at", "-id")
    )


# --- what the employer may see: usage, through the privacy gate -----------------------------


@dataclass(frozen=True)
class MonthUsage:
    month: date
    result: Result[int]


def usage_by_month(
    *, viewer: Person, months: int = 6, today: date | None = None
) -> list[MonthUsage]:
    """Sessions held per closed month, released only for groups of enough distinct people
    (the privacy gate decides; a month about too few people shows no number at all)."""
    if not viewer.is_org_admin:
        return []
    today = today or timezone.now().astimezone(viewer.tz).date()
    first_of_this_month = today.replace(day=1)
    starts: list[date] = []
    cursor = first_of_this_month
    for _ in range(max(1, min(months, 24))):
        cursor = (cursor - timedelta(days=1)).replace(day=1)
        starts.append(cursor)
    starts.reverse()
    tz = viewer.tz
    lower = datetime.combine(starts[0], time.min, tzinfo=tz)
    upper = datetime.combine(first_of_this_month, time.min, tzinfo=tz)
    rows = Booking.objects.filter(
        organization_id=viewer.organization_id,
        status__in=(Booking.Status.ATTENDED, Booking.Status.NO_SHOW, Booking.Status.CONFIRMED),
        starts_at__gte=lower,
        starts_at__lt=upper,
    ).values_list("client_id", "starts_at")
    people: dict[date, set[int]] = {start: set() for start in starts}
    sessions: dict[date, int] = dict.fromkeys(starts, 0)
    for client_id, starts_at in rows:
        month = starts_at.astimezone(tz).date().replace(day=1)
        if month in people:
            people[month].add(client_id)
            sessions[month] += 1
    groups = [
        Group(
            label=month.strftime("%Y-%m"),
            members=frozenset(people[month]),
            value=sessions[month],
        )
        for month in starts
        if people[month]
    ]
    released = (
        release_aggregates(
            viewer=viewer,
            question=f"care_usage:{starts[0]:%Y-%m}..{starts[-1]:%Y-%m}",
            groups=groups,
            organization=viewer.organization,
        )
        if groups
        else {}
    )
    result = []
    for month in starts:
        label = month.strftime("%Y-%m")
        if label in released:
            result.append(MonthUsage(month=month, result=released[label]))
    return result
