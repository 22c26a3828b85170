"""Pairing's routes and API operations for the tenancy walk (tests/tenancy)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rapport.pairing import services
from rapport.pairing.models import Buddy, DontPair, Group, Program, Round

from ..factories import PersonFactory


def _program(w: Any) -> int:
    program = Program.objects.filter(organization=w.admin.organization).first()
    if program is None:
        program = Program.objects.create(
            organization=w.admin.organization, name="Hidden Team Xyzzy coffee", owner=w.admin
        )
    return program.pk


def _round(w: Any) -> int:
    existing = Round.objects.filter(program__organization=w.admin.organization).first()
    if existing is not None:
        return existing.pk
    program = Program.objects.get(pk=_program(w))
    return services.round_run(program=program, on=date(2026, 6, 1)).pk


def _group(w: Any) -> int:
    _round(w)
    return Group.objects.filter(round__program__organization=w.admin.organization).first().pk


def _dont_pair(w: Any) -> int:
    return DontPair.objects.get_or_create(person=w.person, other=w.admin)[0].pk


def _buddy(w: Any) -> int:
    found = Buddy.objects.filter(organization=w.admin.organization).first()
    if found is not None:
        return found.pk
    newcomer = PersonFactory(organization=w.admin.organization, start_date=date(2026, 6, 1))
    return services.buddy_assign(
        newcomer=newcomer, reason="new_joiner", started_on=date(2026, 6, 1), buddy=w.person
    ).pk


PAGE = ("page", None)

ROUTES: dict[str, tuple[str, Any]] = {
    "pairing:home": PAGE,
    "pairing:programs": PAGE,
    "pairing:program_create": PAGE,
    "pairing:program_detail": ("object", lambda w: {"pk": _program(w)}),
    "pairing:program_edit": ("object", lambda w: {"pk": _program(w)}),
    "pairing:program_run": ("object", lambda w: {"pk": _program(w)}),
    "pairing:program_pause": ("object", lambda w: {"pk": _program(w)}),
    "pairing:participation": ("object", lambda w: {"pk": _program(w)}),
    "pairing:preferences": PAGE,
    "pairing:dont_pair_remove": ("object", lambda w: {"pk": _dont_pair(w)}),
    "pairing:round_detail": ("object", lambda w: {"pk": _round(w)}),
    "pairing:group_answer": ("object", lambda w: {"pk": _group(w)}),
    "pairing:meeting_rates": PAGE,
    "pairing:buddies": PAGE,
    "pairing:buddies_assign": PAGE,
    "pairing:buddy_reassign": ("object", lambda w: {"pk": _buddy(w)}),
}

API_OPERATIONS: dict[str, Any] = {
    "pairing_programs_list": None,
    "pairing_programs_create": {"name": "Walk coffee"},
    "pairing_programs_read": None,
    "pairing_programs_update": {"paused": True},
    "pairing_rounds_start": None,
    "pairing_rounds_list": None,
    "pairing_meeting_rate_read": None,
    "pairing_participation_update": {"taking_part": False},
    "pairing_groups_list": None,
    "pairing_groups_read": None,
    "pairing_groups_answer": {"answer": "met"},
    "pairing_dont_pair_list": None,
    # The first organisation's person is not the outsider's colleague: refused, unnamed.
    "pairing_dont_pair_add": {"person_id": 1},
    "pairing_dont_pair_remove": None,
    "pairing_buddies_list": None,
    "pairing_buddies_assign": None,
    "pairing_buddies_reassign": {"person_id": 1},
}

API_PARAMETERS: dict[str, Any] = {
    "pairing_program_id": _program,
    "pairing_group_id": _group,
    "dont_pair_id": _dont_pair,
    "buddy_pairing_id": _buddy,
}

API_REFUSED: dict[str, int] = {"pairing_dont_pair_add": 422}
