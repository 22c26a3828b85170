"""Who may do what with pairing programmes, rounds, groups and buddies.

Org admins manage every programme of their organisation. A team lead manages the
programmes whose pool is made only of teams they lead (or teams inside them). Everyone
may see the organisation's programmes and join them; a group is seen only by its members.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapport.lib.tenancy import get_for
from rapport.people.models import Membership, Person, Team

from .models import Buddy, DontPair, Group, PoolKind, Program, Round


def led_team_ids(person: Person) -> set[int]:
    """Teams the person leads, and every team nested inside them (two queries)."""
    led = set(
        Membership.objects.filter(person=person, role=Membership.Role.LEAD).values_list(
            "team_id", flat=True
        )
    )
    if not led:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent in Team.objects.in_organization(person.organization).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent, []).append(pk)
    out, todo = set(led), list(led)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


def can_create_programs(person: Person) -> bool:
    return person.is_org_admin or bool(led_team_ids(person))


def may_manage_pool(person: Person, *, pool: str, team_ids: Iterable[int]) -> bool:
    if person.is_org_admin:
        return True
    ids = set(team_ids)
    return pool == PoolKind.TEAMS and bool(ids) and ids <= led_team_ids(person)


def can_manage(person: Person, program: Program) -> bool:
    if program.organization_id != person.organization_id:
        return False
    if person.is_org_admin:
        return True
    return may_manage_pool(person, pool=program.pool, team_ids=[t.pk for t in program.teams.all()])


def get_program_for(viewer: Person, pk: int) -> Program:
    return get_for(viewer, Program.objects.prefetch_related("teams").select_related("owner"), pk=pk)


def get_group_for(viewer: Person, pk: int) -> Group:
    return get_for(viewer, Group.objects.select_related("round__program"), pk=pk)


def get_round_for(viewer: Person, pk: int) -> Round:
    return get_for(viewer, Round.objects.select_related("program"), pk=pk)


def get_dont_pair_for(viewer: Person, pk: int) -> DontPair:
    return get_for(viewer, DontPair.objects.select_related("other"), pk=pk)


def get_buddy_for(viewer: Person, pk: int) -> Buddy:
    return get_for(viewer, Buddy.objects.select_related("newcomer", "buddy"), pk=pk)
