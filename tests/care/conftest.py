"""Fixtures for Care: a practice serving `org` with a therapist who works every day, a
second practice nobody here has a contract with, and a way to run queued tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from rapport.care import selectors
from rapport.care.models import Practice, SessionType, Therapist
from tests.notifications.conftest import run_queued_tasks  # noqa: F401  (re-exported)

from .factories import (
    PracticeAdminFactory,
    PracticeFactory,
    SessionTypeFactory,
    TherapistFactory,
    contract,
    every_day,
)


@dataclass
class Care:
    practice: Practice
    therapist: Therapist
    session: SessionType
    intro: SessionType
    practice_admin: Any
    other_therapist: Therapist
    other_session: SessionType


@pytest.fixture
def care(org) -> Care:
    practice = PracticeFactory(name="Harbour Counselling", slug="harbour")
    therapist = TherapistFactory(
        practice=practice, display_name="Tracy Okonkwo-Hale", user__email="tracy@harbour.example"
    )
    every_day(therapist)
    session = SessionTypeFactory(therapist=therapist, name="Session", duration_minutes=50)
    intro = SessionTypeFactory(
        therapist=therapist, name="Intro call", duration_minutes=15, is_intro=True, position=0
    )
    admin = PracticeAdminFactory(practice=practice, user__email="desk@harbour.example").user
    contract(org, [practice], funded=8)
    other_practice = PracticeFactory(name="Elsewhere", slug="elsewhere")
    other = TherapistFactory(practice=other_practice, display_name="Olga Elsewhere")
    every_day(other)
    other_session = SessionTypeFactory(therapist=other)
    return Care(practice, therapist, session, intro, admin, other, other_session)


def staff_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def next_slot(therapist: Therapist, session: SessionType, *, after: datetime | None = None):  # type: ignore[no-untyped-def]
    """The first slot at least a couple of days (past any cut-off) from now."""
    from django.utils import timezone

    start = after or timezone.now() + timedelta(days=2)
    found = selectors.slots_for(
        therapist=therapist, session_type=session, start=start, until=start + timedelta(days=7)
    )
    assert found, "the fixture therapist should have free slots"
    return found[0]
