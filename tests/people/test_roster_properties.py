"""Property test of the roster import: for any roster (valid or not, with managers that may
loop, possibly through people already in the organisation) the import either succeeds and a
second run changes nothing, or reports errors and leaves the database as it was."""

from __future__ import annotations

import networkx as nx
import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rapport.accounts.models import User
from rapport.people.models import Membership, Person, Team
from rapport.people.roster import roster_apply, roster_parse

from ..factories import MembershipFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db

EMAILS = [f"p{i}@x.com" for i in range(6)]
ALREADY_THERE = {"p0@x.com": None, "p1@x.com": "p0@x.com", "p2@x.com": "p1@x.com"}
OPTIONAL_COLUMNS = [
    "team",
    "team_role",
    "org_admin",
    "timezone",
    "location",
    "title",
    "start_date",
    "status",
]

rows = st.fixed_dictionaries(
    {
        "email": st.sampled_from([*EMAILS, "P1@X.com"]),
        "name": st.sampled_from(["Ann", "Ben Bo", "Cy"]),
        "team": st.sampled_from(["", "Eng", "eng/core", "Ops/Night", "Ops"]),
        "team_role": st.sampled_from(["", "member", "lead"]),
        "org_admin": st.sampled_from(["", "yes", "no"]),
        # mostly colleagues in the pool, so that loops are common
        "manager_email": st.sampled_from(["", *EMAILS, *EMAILS, "boss@x.com", "stranger@x.com"]),
        "timezone": st.sampled_from(["", "UTC", "Europe/Berlin"]),
        "location": st.sampled_from(["", "Berlin"]),
        "title": st.sampled_from(["", "Engineer"]),
        "start_date": st.sampled_from(["", "2024-01-31"]),
        "status": st.sampled_from(["", "active", "on_leave", "left"]),
    }
)
rosters = st.tuples(
    st.lists(rows, max_size=7),
    st.tuples(
        st.lists(st.sampled_from(OPTIONAL_COLUMNS), unique=True),
        st.sampled_from([["manager_email"], ["manager_email"], ["manager_email"], []]),
    ).map(lambda columns: columns[0] + columns[1]),
)


def to_csv(roster_rows: list[dict[str, str]], optional_columns: list[str]) -> str:
    columns = ["email", "name", *optional_columns]
    lines = [",".join(columns), *(",".join(row[c] for c in columns) for row in roster_rows)]
    return "\n".join(lines) + "\n"


def database_state(organization) -> tuple[object, ...]:
    people = Person.objects.filter(organization=organization)
    return (
        sorted(
            people.values_list(
                "user__email",
                "display_name",
                "manager__user__email",
                "status",
                "is_org_admin",
                "time_zone",
                "location",
                "title",
                "start_date",
            )
        ),
        sorted(Team.objects.filter(organization=organization).values_list("name", "parent__name")),
        sorted(
            Membership.objects.filter(person__organization=organization).values_list(
                "person__user__email", "team__name", "team__parent__name", "role"
            )
        ),
        User.objects.count(),
    )


def expect_a_management_loop(roster_rows, optional_columns) -> bool:
    """An independent oracle: does the final reporting graph have a loop through the file?"""
    in_file: dict[str, str] = {}
    for row in roster_rows:
        in_file.setdefault(row["email"].lower(), row["manager_email"])
    known = set(in_file) | set(ALREADY_THERE) | {"boss@x.com"}
    graph = nx.DiGraph()
    for email in known:
        if email in in_file and "manager_email" in optional_columns:
            manager = in_file[email]
            manager = manager if manager in known and manager != email else None
        else:
            manager = ALREADY_THERE.get(email)
        if manager:
            graph.add_edge(email, manager)
    return any(set(cycle) & set(in_file) for cycle in nx.simple_cycles(graph))


def set_up_organisation(organization) -> None:
    # Users without a password: hashing one per person would make each example slow.
    user = User.objects.create_user
    PersonFactory(organization=organization, user=user("boss@x.com"), is_org_admin=True)
    eng = TeamFactory(organization=organization, name="Eng")
    core = TeamFactory(organization=organization, name="Core", parent=eng)
    people: dict[str, Person] = {}
    for email, manager in ALREADY_THERE.items():
        people[email] = PersonFactory(
            organization=organization,
            user=user(email),
            manager=people.get(manager or ""),
        )
    MembershipFactory(person=people["p1@x.com"], team=core, role=Membership.Role.LEAD)
    MembershipFactory(person=people["p2@x.com"], team=eng)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(roster=rosters)
def test_an_import_is_all_or_nothing_and_repeating_it_changes_nothing(org, roster):
    roster_rows, optional_columns = roster
    parsed = roster_parse(text=to_csv(roster_rows, optional_columns))
    with transaction.atomic():
        set_up_organisation(org)
        before = database_state(org)

        preview = roster_apply(organization=org, parsed=parsed, dry_run=True)
        assert database_state(org) == before
        result = roster_apply(organization=org, parsed=parsed)

        event("valid" if result.ok else "invalid")
        loops = any("management loop" in error.message for error in result.errors)
        event(f"loop: {loops}")
        assert loops == expect_a_management_loop(roster_rows, optional_columns)
        assert result.errors == preview.errors
        if result.errors:
            assert not result.applied
            assert database_state(org) == before
        else:
            assert result.applied
            assert (result.created, result.updated, result.unchanged, result.teams_created) == (
                preview.created,
                preview.updated,
                preview.unchanged,
                preview.teams_created,
            )
            after = database_state(org)
            again = roster_apply(organization=org, parsed=parsed)
            assert again.applied and not again.has_changes
            assert again.unchanged == len(parsed.rows)
            assert database_state(org) == after
        transaction.set_rollback(True)
