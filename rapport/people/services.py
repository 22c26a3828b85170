"""Writes about people and teams. Roster import lives in `people.roster`."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from rapport.accounts.models import User
from rapport.audit.actions import Action
from rapport.audit.services import audit_record

from .models import Membership, Organization, Person


@transaction.atomic
def person_update_profile(
    *,
    person: Person,
    display_name: str,
    title: str,
    time_zone: str,
    location: str,
    work_start: time,
    work_end: time,
    working_days: str,
) -> Person:
    person = Person.objects.select_for_update().get(pk=person.pk)
    person.display_name = display_name.strip()
    person.title = title.strip()
    person.time_zone = time_zone
    person.location = location.strip()
    person.work_start = work_start
    person.work_end = work_end
    person.working_days = working_days
    person.full_clean(exclude=["user", "organization", "manager"])
    person.save(
        update_fields=[
            "display_name",
            "title",
            "time_zone",
            "location",
            "work_start",
            "work_end",
            "working_days",
        ]
    )
    return person


class RoleChangeError(Exception):
    """A role change that would leave the organisation in a bad state."""


@transaction.atomic
def person_set_roles(
    *, actor: Person, person: Person, is_org_admin: bool, lead_team_ids: set[int]
) -> Person:
    """Set who is an org admin and which of their teams the person leads."""
    if actor.organization_id != person.organization_id or not actor.is_org_admin:
        raise RoleChangeError("Only an org admin of the same organisation can change roles.")
    # Lock the organisation's admins so two admins demoting each other can't leave none.
    admins = list(
        Person.objects.select_for_update()
        .filter(organization_id=person.organization_id, is_org_admin=True)
        .values_list("pk", flat=True)
    )
    if not is_org_admin and person.is_org_admin and admins == [person.pk]:
        raise RoleChangeError("An organisation needs at least one org admin.")
    was_org_admin = person.is_org_admin
    if person.is_org_admin != is_org_admin:
        person.is_org_admin = is_org_admin
        person.save(update_fields=["is_org_admin"])
    leads: list[int] = []
    changed_team_ids: list[int] = []
    for membership in Membership.objects.filter(person=person):
        role = (
            Membership.Role.LEAD if membership.team_id in lead_team_ids else Membership.Role.MEMBER
        )
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
            changed_team_ids.append(membership.team_id)
        if role == Membership.Role.LEAD:
            leads.append(membership.team_id)
    if was_org_admin != is_org_admin or changed_team_ids:
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.ROLE_CHANGED,
            target=person,
            details={
                "org_admin": is_org_admin,
                "org_admin_before": was_org_admin,
                "leads_team_ids": sorted(leads),
                "changed_team_ids": sorted(changed_team_ids),
            },
        )
    return person


def people_sync_sign_in(*, organization: Organization) -> None:
    """People who left can no longer sign in; people who came back can again."""
    users = User.objects.filter(person__organization=organization)
    users.filter(person__status=Person.Status.LEFT, is_active=True).update(is_active=False)
    users.exclude(person__status=Person.Status.LEFT).filter(is_active=False).update(is_active=True)
