"""Factories for Care: practices, therapists (Users without a Person), session types,
hours and contracts."""

from __future__ import annotations

from datetime import time

import factory

from rapport.care.models import (
    CareContract,
    Practice,
    PracticeAdmin,
    SessionType,
    Therapist,
    WeeklyHours,
    codes_field_value,
)
from tests.factories import UserFactory


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    email = factory.Sequence(lambda n: f"desk{n}@practice.example")


class TherapistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapist

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Therapist {n}")
    credentials = "Registered counsellor"
    bio = "Works with people who find work hard right now."
    specialties = codes_field_value(["burnout", "stress_anxiety"])
    languages = codes_field_value(["en"])
    time_zone = "Europe/London"
    buffer_before_minutes = 0
    buffer_after_minutes = 10
    min_notice_hours = 2
    horizon_days = 60
    slot_step_minutes = 60


class SessionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionType

    therapist = factory.SubFactory(TherapistFactory)
    name = "Session"
    duration_minutes = 50
    video_link = "https://video.example/room"


class WeeklyHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyHours

    therapist = factory.SubFactory(TherapistFactory)
    weekday = 1
    start = time(9, 0)
    end = time(17, 0)


class PracticeAdminFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeAdmin

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)


def every_day(therapist: Therapist, start: time = time(9, 0), end: time = time(17, 0)) -> None:
    for weekday in range(1, 8):
        WeeklyHoursFactory(therapist=therapist, weekday=weekday, start=start, end=end)


def contract(organization, practices, funded: int = 8) -> CareContract:  # type: ignore[no-untyped-def]
    result = CareContract.objects.create(organization=organization, funded_sessions_per_year=funded)
    result.practices.set(practices)
    return result
