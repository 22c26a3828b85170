"""Data rights: a person downloads everything Rapport holds about them; an org admin erases
a person who left.

Each app that stores something about a person contributes one *section* from its own
`data_rights.py` module (discovered at start-up, see PeopleConfig.ready): how to export it
and how to erase it. This module runs them all, so adding an app means adding its section,
never editing this file.

Erasure keeps aggregates consistent: rows that other people's figures are made of (ledger
interactions, memberships) stay, attached to an anonymised person; everything that is the
person's own (their profile, inbox, tokens, preferences) is deleted or blanked. Afterwards
the person is invisible to every lookup (PersonQuerySet.visible_to), so nothing of theirs is
reachable by id, and they can no longer sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rapport.accounts.models import User
from rapport.audit.actions import Action
from rapport.audit.services import audit_record

from .models import Person

ERASED_NAME = "Erased person"


@dataclass(frozen=True)
class Section:
    name: str
    export: Callable[[Person], Any]
    #: None: nothing to delete (rows stay for aggregates, attached to the anonymised person)
    erase: Callable[[Person], None] | None = None


_SECTIONS: dict[str, Section] = {}


def register(
    name: str,
    *,
    export: Callable[[Person], Any],
    erase: Callable[[Person], None] | None = None,
) -> None:
    """Called by each app's data_rights module at import time."""
    _SECTIONS[name] = Section(name, export, erase)


def sections() -> list[Section]:
    return [_SECTIONS[name] for name in sorted(_SECTIONS)]


def person_data_export(*, person: Person) -> dict[str, Any]:
    """Everything Rapport holds about the person, as JSON-ready data; logged."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "about": "Everything Rapport holds about you.",
    }
    for section in sections():
        data[section.name] = section.export(person)
    audit_record(
        organization=person.organization,
        actor=person,
        action=Action.DATA_EXPORTED,
        target=person,
        details={"sections": len(data) - 2},
    )
    return data


def person_data_erase(*, actor: Person, person: Person) -> Person:
    """Erase a person who left: anonymise what aggregates need, delete the rest; logged."""
    if not actor.is_org_admin or actor.organization_id != person.organization_id:
        raise PermissionDenied("Only an org admin of the same organisation can erase people.")
    if person.status != Person.Status.LEFT:
        raise ValidationError(
            "Only people who have left can be erased: mark them as left first.", code="not_left"
        )
    if person.erased_at is not None:
        raise ValidationError("This person has already been erased.", code="erased")
    with transaction.atomic():
        person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
        audit_record(
            organization=person.organization,
            actor=actor,
            action=Action.PERSON_ERASED,
            target=person,
            target_label=ERASED_NAME,
        )
        for section in sections():
            if section.erase is not None:
                section.erase(person)
        _anonymise_profile(person)
    return person


def _anonymise_profile(person: Person) -> None:
    user = person.user
    user.email = f"erased-{person.pk}@erased.invalid"
    user.set_unusable_password()
    user.is_active = False
    user.save(update_fields=["email", "password", "is_active"])
    User.objects.filter(pk=user.pk).update(last_login=None)
    person.display_name = ERASED_NAME
    person.title = ""
    person.location = ""
    person.start_date = None
    person.manager = None
    person.erased_at = timezone.now()
    person.save(
        update_fields=["display_name", "title", "location", "start_date", "manager", "erased_at"]
    )
    # Nobody keeps an erased person as their manager.
    Person.objects.filter(manager=person).update(manager=None)


def _export_profile(person: Person) -> dict[str, Any]:
    return {
        "name": person.display_name,
        "email": person.email,
        "title": person.title,
        "organisation": person.organization.name,
        "time_zone": person.time_zone,
        "location": person.location,
        "start_date": person.start_date.isoformat() if person.start_date else None,
        "status": person.status,
        "org_admin": person.is_org_admin,
        "manager": person.manager.display_name if person.manager else None,
        "working_hours": [person.work_start.isoformat(), person.work_end.isoformat()],
        "working_days": [int(d) for d in person.working_days],
        "teams": [
            {"team": m.team.name, "role": m.role}
            for m in person.memberships.select_related("team").order_by("team__name")
        ],
    }


# Memberships stay (team figures over past periods stay consistent); the profile itself is
# anonymised last, by person_data_erase.
register("profile", export=_export_profile)
