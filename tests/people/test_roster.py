"""The roster import's services: parsing, checking against the organisation, applying."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.accounts.models import User
from rapport.people import roster
from rapport.people.models import Membership, Person, Team
from rapport.people.roster import RosterResult, roster_apply, roster_parse, roster_read

from ..factories import MembershipFactory, PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "email,name,team,team_role,org_admin,manager_email,timezone,location,title,start_date,status"
)


def roster_csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def import_roster(organization, text: str, **options) -> RosterResult:
    return roster_apply(organization=organization, parsed=roster_parse(text=text), **options)


def errors_of(result: RosterResult) -> list[str]:
    return [str(error) for error in result.errors]


def person(email: str) -> Person:
    return Person.objects.select_related("user", "manager__user").get(user__email=email)


def team_paths(organization) -> set[str]:
    teams = {t.pk: t for t in Team.objects.filter(organization=organization)}

    def path(team: Team) -> str:
        return f"{path(teams[team.parent_id])}/{team.name}" if team.parent_id else team.name

    return {path(t) for t in teams.values()}


def memberships(p: Person) -> set[tuple[str, str]]:
    return {
        (m.team.name, m.role) for m in Membership.objects.filter(person=p).select_related("team")
    }


ACME_ROSTER = roster_csv(
    "ada@example.com,Ada Admin,People,lead,yes,,Europe/London,London,Head of People,2020-01-06,",
    "bob@example.com,Bob Boss,Engineering,lead,no,ada@example.com,Europe/Berlin,Berlin,CTO,,",
    "cy@example.com,Cy Coder,Engineering/Platform,,,bob@example.com,,,,2024-02-29,on_leave",
)


# --- Reading the file ------------------------------------------------------------------


def test_it_creates_people_teams_memberships_and_managers(org):
    result = import_roster(org, ACME_ROSTER)

    assert result.ok and result.applied
    assert (result.created, result.updated, result.unchanged, result.teams_created) == (3, 0, 0, 3)
    ada, bob, cy = person("ada@example.com"), person("bob@example.com"), person("cy@example.com")
    assert ada.is_org_admin and not bob.is_org_admin
    assert ada.organization == org and ada.location == "London" and ada.title == "Head of People"
    assert ada.start_date == datetime.date(2020, 1, 6)
    assert bob.manager == ada and cy.manager == bob and ada.manager is None
    assert bob.time_zone == "Europe/Berlin" and cy.time_zone == "UTC"
    assert cy.status == Person.Status.ON_LEAVE and ada.status == Person.Status.ACTIVE
    assert team_paths(org) == {"People", "Engineering", "Engineering/Platform"}
    assert memberships(bob) == {("Engineering", "lead")}
    assert memberships(cy) == {("Platform", "member")}


def test_new_people_get_accounts_without_a_usable_password(org):
    import_roster(org, ACME_ROSTER)

    user = User.objects.get(email="cy@example.com")
    assert not user.has_usable_password()
    assert user.is_active


def test_running_the_same_file_twice_changes_nothing_the_second_time(org):
    import_roster(org, ACME_ROSTER)
    before = list(Person.objects.values().order_by("pk"))

    again = import_roster(org, ACME_ROSTER)

    assert again.applied
    assert (again.created, again.updated, again.unchanged, again.teams_created) == (0, 0, 3, 0)
    assert again.changes == ()
    assert list(Person.objects.values().order_by("pk")) == before


def test_it_accepts_a_byte_order_mark_and_windows_line_ends():
    parsed = roster_read(data=("\ufeff" + ACME_ROSTER).replace("\n", "\r\n").encode())

    assert parsed.errors == ()
    assert [row.email for row in parsed.rows] == [
        "ada@example.com",
        "bob@example.com",
        "cy@example.com",
    ]


def test_an_empty_file_is_an_error():
    for text in ["", "  \n\n"]:
        assert [str(e) for e in roster_parse(text=text).errors] == [
            "line 1: the file is empty; the first line must be the header, e.g. "
            "email,name,team,team_role,org_admin,manager_email,timezone,location,title,"
            "start_date,status"
        ]


def test_a_header_without_rows_imports_nobody(org):
    result = import_roster(org, roster_csv())

    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 0)


def test_a_file_that_is_not_utf8_is_reported_at_the_line_where_it_breaks():
    data = (ACME_ROSTER + "dee@example.com,Dée,,,,,,,,,\n").encode("latin-1")

    errors = [str(e) for e in roster_read(data=data).errors]

    assert errors == [
        "line 5: the file is not UTF-8 text; save it as “CSV UTF-8” (byte 0xe9 is not valid UTF-8)"
    ]


def test_a_spreadsheet_file_is_not_mistaken_for_text():
    errors = roster_read(data=b"PK\x03\x04\x14\x00\x06\x00").errors

    assert len(errors) == 1 and "not text" in errors[0].message


def test_unknown_repeated_and_missing_columns_are_errors_on_line_1():
    errors = [
        str(e) for e in roster_parse(text="Email,nickname,team,team,\nada@x.com,a,b,c,d\n").errors
    ]

    assert errors == [
        "line 1: unknown column “nickname”; the columns are email, name, team, team_role, "
        "org_admin, manager_email, timezone, location, title, start_date, status",
        "line 1: the column team appears twice",
        "line 1: column 5 has no name",
        "line 1: the required column name is missing",
    ]


def test_a_semicolon_separated_file_gets_a_hint():
    errors = roster_parse(text="email;name\nada@example.com;Ada\n").errors

    assert [str(e) for e in errors] == [
        "line 1: the columns are separated by semicolons; use commas"
    ]


def test_line_numbers_are_physical_lines_counting_blank_lines_and_quoted_line_breaks(org):
    text = roster_csv(
        'ada@example.com,Ada,,,,,,"Building 1',
        'Floor 2",,,',
        "",
        ",,,,,,,,,,",
        "bob@example.com,Bob,,,,,Nowhere/City,,,,",
        header="email,name,team,team_role,org_admin,manager_email,timezone,location,title,"
        "start_date,status",
    )

    parsed = roster_parse(text=text)

    assert [row.line for row in parsed.rows] == [2, 6]
    assert parsed.rows[0].location == "Building 1\nFloor 2"
    assert [str(e) for e in parsed.errors] == [
        "line 6: timezone “Nowhere/City” is not a time zone we know; use a name like Europe/Berlin"
    ]


def test_broken_quoting_is_reported_where_it_starts():
    text = roster_csv(
        "ada@example.com,Ada",
        'bob@example.com,"Bob" Boss',
        "cy@example.com,Cy",
        header="email,name",
    )

    errors = [str(e) for e in roster_parse(text=text).errors]

    assert len(errors) == 1
    assert errors[0].startswith("line 3: this line is not valid CSV")


def test_a_value_too_large_for_the_csv_reader_is_reported():
    errors = roster_parse(
        text=roster_csv("ada@example.com," + "A" * 200_000, header="email,name")
    ).errors

    assert [str(e) for e in errors] == [
        "line 2: this line is not valid CSV (field larger than field limit (131072)). "
        "Nothing after this line was read"
    ]


def test_a_row_with_the_wrong_number_of_values_is_an_error():
    errors = roster_parse(text=roster_csv("ada@example.com,Ada,extra", header="email,name")).errors

    assert [str(e) for e in errors] == [
        "line 2: this row has 3 values but the header has 2 columns"
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"email": ""}, "email is empty"),
        ({"email": "not-an-email"}, "email “not-an-email” is not a valid email address"),
        ({"email": "a" * 250 + "@example.com"}, "email is 262 characters long; at most 254 fit"),
        ({"name": ""}, "name is empty"),
        ({"name": "N" * 121}, "name is 121 characters long; at most 120 fit"),
        ({"title": "T" * 121}, "title is 121 characters long; at most 120 fit"),
        ({"location": "L" * 121}, "location is 121 characters long; at most 120 fit"),
        ({"team": "Eng//Platform"}, "team “Eng//Platform” has an empty part"),
        ({"team": "T" * 121}, "the team name “" + "T" * 39 + "…” is 121 characters long"),
        ({"team_role": "boss", "team": "Eng"}, "team_role “boss” must be member or lead"),
        ({"team_role": "lead"}, "team_role is lead but team is empty"),
        ({"org_admin": "maybe"}, "org_admin “maybe” must be yes or no"),
        ({"manager_email": "bob@"}, "manager_email “bob@” is not a valid email address"),
        ({"manager_email": "ADA@example.com"}, "a person can't be their own manager"),
        ({"timezone": "Mars/Olympus"}, "timezone “Mars/Olympus” is not a time zone we know"),
        ({"start_date": "2024-02-30"}, "start_date “2024-02-30” is not a date; write it as"),
        ({"start_date": "20240201"}, "start_date “20240201” is not a date"),
        ({"start_date": "1/2/2024"}, "start_date “1/2/2024” is not a date"),
        ({"status": "gone"}, "status “gone” must be one of active, on_leave, returning, left"),
    ],
)
def test_each_bad_value_is_reported_with_its_line(cells, message):
    values = {"email": "ada@example.com", "name": "Ada"} | cells
    row = ",".join(values.get(column, "") for column in HEADER.split(","))

    errors = [
        str(e) for e in roster_parse(text=roster_csv("bob@example.com,Bob,,,,,,,,,", row)).errors
    ]

    assert len(errors) == 1
    assert errors[0].startswith(f"line 3: {message}")


def test_every_error_in_the_file_is_reported_not_just_the_first(org):
    text = roster_csv(
        "ada@example.com,,,,,,,,,,",
        "bob@example.com,Bob,,,,,Mars/Base,,,2020-13-01,",
        "ada@EXAMPLE.com,Ada again,,,,,,,,,",
    )

    result = import_roster(org, text)

    assert errors_of(result) == [
        "line 2: name is empty",
        "line 3: timezone “Mars/Base” is not a time zone we know; use a name like Europe/Berlin",
        "line 3: start_date “2020-13-01” is not a date; write it as YYYY-MM-DD, e.g. 2024-03-01",
        "line 4: ada@example.com is already on line 2",
    ]
    assert not result.applied


def test_harmless_variations_in_case_are_accepted(org):
    text = roster_csv("Ada@Example.COM,Ada,Eng,LEAD,Yes,,europe/berlin,,,,On_Leave")

    result = import_roster(org, text)

    assert result.ok
    ada = person("ada@example.com")
    assert (ada.time_zone, ada.status, ada.is_org_admin) == ("Europe/Berlin", "on_leave", True)
    assert memberships(ada) == {("Eng", "lead")}


# --- Checking against the organisation --------------------------------------------------


def test_an_email_of_another_organisations_account_is_refused_without_naming_it(org, outsider):
    text = roster_csv(f"{outsider.user.email.upper()},Otto,,,,,,,,,")

    result = import_roster(org, text)

    assert errors_of(result) == [
        f"line 2: {outsider.user.email} is already used by another account"
    ]
    assert "Globex" not in str(result.errors)
    assert not Person.objects.filter(organization=org).exists()


def test_an_email_of_an_account_outside_any_organisation_is_refused(org):
    UserFactory(email="root@example.com")

    result = import_roster(org, roster_csv("root@example.com,Root,,,,,,,,,"))

    assert errors_of(result) == ["line 2: root@example.com is already used by another account"]


def test_a_manager_must_be_in_the_file_or_in_the_organisation(org, outsider):
    text = roster_csv(
        "ada@example.com,Ada,,,,nobody@example.com,,,,,",
        f"bob@example.com,Bob,,,,{outsider.user.email},,,,,",
    )

    result = import_roster(org, text)

    assert errors_of(result) == [
        "line 2: manager_email nobody@example.com is not in the file or in the organisation",
        f"line 3: manager_email {outsider.user.email} is not in the file or in the organisation",
    ]


def test_a_manager_already_in_the_organisation_can_be_named(org, lead):
    result = import_roster(org, roster_csv(f"ada@example.com,Ada,,,,{lead.user.email},,,,,"))

    assert result.ok
    assert person("ada@example.com").manager == lead


@pytest.mark.parametrize(
    "rows",
    [
        ["a@x.com,A,,,,b@x.com,,,,,", "b@x.com,B,,,,a@x.com,,,,,"],
        ["a@x.com,A,,,,b@x.com,,,,,", "b@x.com,B,,,,c@x.com,,,,,", "c@x.com,C,,,,a@x.com,,,,,"],
    ],
)
def test_management_loops_in_the_file_are_refused_on_every_line_of_the_loop(org, rows):
    result = import_roster(org, roster_csv(*rows))

    assert [e.line for e in result.errors] == list(range(2, 2 + len(rows)))
    assert all("management loop" in e.message for e in result.errors)
    assert errors_of(result)[0].endswith(
        " → ".join(f"{c}@x.com" for c in "abc"[: len(rows)]) + " → a@x.com"
    )
    assert not Person.objects.filter(organization=org).exists()


def test_a_management_loop_through_people_already_in_the_organisation_is_refused(org):
    ann = PersonFactory(organization=org, user__email="ann@example.com")
    PersonFactory(organization=org, user__email="ben@example.com", manager=ann)

    result = import_roster(org, roster_csv("ann@example.com,Ann,,,,ben@example.com,,,,,"))

    assert errors_of(result) == [
        "line 2: manager_email makes a management loop: "
        "ann@example.com → ben@example.com → ann@example.com"
    ]
    assert person("ann@example.com").manager is None


def test_swapping_a_manager_and_their_report_is_allowed(org):
    ann = PersonFactory(organization=org, user__email="ann@example.com")
    PersonFactory(organization=org, user__email="ben@example.com", manager=ann)

    result = import_roster(
        org,
        roster_csv("ann@example.com,Ann,,,,ben@example.com,,,,,", "ben@example.com,Ben,,,,,,,,,"),
    )

    assert result.ok
    assert person("ann@example.com").manager == person("ben@example.com")
    assert person("ben@example.com").manager is None


def test_the_last_org_admin_cannot_be_removed_by_an_import(org, admin):
    text = roster_csv(f"{admin.user.email},Ada Admin,,,no,,,,,,")

    result = import_roster(org, text)

    assert errors_of(result) == [
        "line 2: this would leave the organisation without an org admin; "
        "keep at least one person with org_admin yes who has not left"
    ]
    admin.refresh_from_db()
    assert admin.is_org_admin


def test_an_org_admin_may_hand_over_to_another(org, admin):
    text = roster_csv(f"{admin.user.email},Ada Admin,,,no,,,,,,", "new@example.com,New,,,yes,,,,,,")

    assert import_roster(org, text).ok
    admin.refresh_from_db()
    assert not admin.is_org_admin and person("new@example.com").is_org_admin


def test_only_an_org_admin_of_the_organisation_may_import(org, member, outsider):
    for actor in [member, outsider]:
        with pytest.raises(PermissionDenied):
            import_roster(org, ACME_ROSTER, actor=actor)


# --- Applying ---------------------------------------------------------------------------


def test_nothing_is_written_when_any_row_is_wrong(org):
    text = ACME_ROSTER + "dee@example.com,Dee,,,,,,,,,someday\n"

    result = import_roster(org, text)

    assert not result.applied and len(result.errors) == 1
    assert not User.objects.filter(email__endswith="@example.com").exists()
    assert not Team.objects.filter(organization=org).exists()


def test_a_dry_run_reports_what_would_change_and_writes_nothing(org):
    result = import_roster(org, ACME_ROSTER, dry_run=True)

    assert result.ok and not result.applied
    assert (result.created, result.teams_created) == (3, 3)
    assert result.describe() == (
        "Would create 3 people, update 0 and leave 0 unchanged; would create 3 teams."
    )
    assert not Person.objects.filter(organization=org).exists()
    assert not Team.objects.filter(organization=org).exists()


def test_changed_details_are_updated_and_named(org):
    import_roster(org, ACME_ROSTER)
    text = ACME_ROSTER.replace("Bob Boss", "Robert Boss").replace("Berlin,CTO", "Hamburg,CTO")

    result = import_roster(org, text)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    [change] = result.changes
    assert (change.line, change.email, change.action) == (3, "bob@example.com", "update")
    assert change.fields == ("name", "location")
    bob = person("bob@example.com")
    assert (bob.display_name, bob.location) == ("Robert Boss", "Hamburg")


def test_existing_people_are_matched_by_email_regardless_of_case(org):
    PersonFactory(organization=org, user__email="ada@example.com", display_name="Old Name")

    result = import_roster(org, roster_csv("ADA@Example.com,Ada,,,,,,,,,"))

    assert (result.created, result.updated) == (0, 1)
    assert person("ada@example.com").display_name == "Ada"
    assert User.objects.count() == 1


def test_nested_teams_are_created_once_and_matched_regardless_of_case(org):
    TeamFactory(organization=org, name="Engineering")

    result = import_roster(
        org,
        roster_csv(
            "a@x.com,A,engineering/Platform/Core,,,,,,,,",
            "b@x.com,B,ENGINEERING/platform,,,,,,,,",
        ),
    )

    assert result.teams_created == 2
    assert team_paths(org) == {"Engineering", "Engineering/Platform", "Engineering/Platform/Core"}
    assert memberships(person("b@x.com")) == {("Platform", "member")}


def test_the_team_in_the_file_replaces_a_persons_other_teams(org, member, team):
    other = TeamFactory(organization=org, name="Design")
    MembershipFactory(person=member, team=other, role=Membership.Role.LEAD)

    result = import_roster(
        org, roster_csv(f"{member.user.email},Mia,Design,member,,,Europe/London,,,,")
    )

    assert result.changes[0].fields == ("name", "team")
    assert memberships(member) == {("Design", "member")}


def test_an_empty_team_cell_takes_the_person_out_of_their_teams(org, member):
    import_roster(org, roster_csv(f"{member.user.email},Mia Member,,,,,Europe/London,,,,"))

    assert memberships(member) == set()


def test_a_team_role_change_alone_is_reported_as_such(org, member, team):
    result = import_roster(
        org, roster_csv(f"{member.user.email},Mia Member,Platform,lead,,,Europe/London,,,,")
    )

    assert result.changes[0].fields == ("team_role",)
    assert memberships(member) == {("Platform", "lead")}


def test_a_column_left_out_leaves_that_detail_of_existing_people_alone(org, lead):
    lead.time_zone, lead.location = "Asia/Tokyo", "Tokyo"
    lead.save()

    result = import_roster(
        org,
        roster_csv(
            f"{lead.user.email},Lee Lead,Platform",
            "new@example.com,New,Platform",
            header="email,name,team",
        ),
    )

    assert result.ok and (result.created, result.unchanged) == (1, 1)
    lead = person(lead.user.email)
    assert (lead.time_zone, lead.location) == ("Asia/Tokyo", "Tokyo")
    assert memberships(lead) == {("Platform", "lead")}  # no team_role column: role kept
    assert memberships(person("new@example.com")) == {("Platform", "member")}
    assert person("new@example.com").time_zone == "UTC"


def test_people_not_in_the_file_are_left_alone(org, member, lead, team):
    import_roster(org, roster_csv("new@example.com,New,Platform,lead,,,,,,,"))

    assert memberships(person(member.user.email)) == {("Platform", "member")}
    assert memberships(person(lead.user.email)) == {("Platform", "lead")}
    assert Person.objects.filter(organization=org).count() == 3


def test_managers_are_set_whatever_order_the_file_lists_people_in(org, monkeypatch):
    monkeypatch.setattr(roster, "WRITE_BATCH_SIZE", 3)
    # p0 manages p1 manages ... p9, listed reports-first across several write batches
    rows = [
        f"p{i}@x.com,P{i},,,,{f'p{i - 1}@x.com' if i else ''},,,,," for i in reversed(range(10))
    ]

    result = import_roster(org, roster_csv(*rows))

    assert result.ok and result.created == 10
    for i in range(1, 10):
        assert person(f"p{i}@x.com").manager.user.email == f"p{i - 1}@x.com"


def test_progress_is_reported_for_every_row(org, monkeypatch):
    monkeypatch.setattr(roster, "WRITE_BATCH_SIZE", 2)
    steps: list[int] = []

    import_roster(org, ACME_ROSTER, progress=steps.append)

    assert steps == [2, 1]


def test_the_number_of_queries_does_not_grow_with_the_number_of_rows(org):
    def queries_for(prefix: str, count: int) -> int:
        rows = [
            f"{prefix}{i}@x.com,P{i},{prefix} {i % 3}/Sub,,,{manager},,,,,"
            for i, manager in enumerate(["", *(f"{prefix}{i}@x.com" for i in range(count - 1))])
        ]
        with CaptureQueriesContext(connection) as queries:
            assert import_roster(org, roster_csv(*rows)).ok
        return len(queries)

    # (Far larger files take a few more: each bulk statement is split to fit the database's
    # limit on query parameters, 999 on SQLite.)
    assert queries_for("a", 5) == queries_for("b", 60)


def test_a_clash_with_a_concurrent_write_is_reported_not_raised(org, outsider, monkeypatch):
    # As if the outsider's account appeared between the check and the write.
    monkeypatch.setattr(roster, "_emails_of_other_accounts", lambda emails: set())

    result = import_roster(org, roster_csv(f"{outsider.user.email},Otto,,,,,,,,,"))

    assert not result.applied
    assert errors_of(result) == [
        "the organisation changed while the roster was being imported; "
        "nothing was imported, please try again"
    ]


def test_people_marked_as_left_can_no_longer_sign_in_and_can_again_when_back(org, admin):
    header = "email,name,status\n"
    roster_apply(
        organization=org, parsed=roster_parse(text=header + "leaver@acme.example,Lea Ver,left\n")
    )
    leaver = Person.objects.select_related("user").get(user__email="leaver@acme.example")
    assert not leaver.user.is_active
    roster_apply(
        organization=org, parsed=roster_parse(text=header + "leaver@acme.example,Lea Ver,active\n")
    )
    leaver.user.refresh_from_db()
    assert leaver.user.is_active


def test_each_org_admin_granted_or_removed_by_a_roster_gets_its_own_audit_event(org, admin):
    from rapport.audit.models import AuditEvent

    text = (
        "email,name,org_admin\nnew.admin@acme.example,New Admin,yes\nplain@acme.example,Plain,no\n"
    )
    roster_apply(organization=org, parsed=roster_parse(text=text), actor=admin)
    events = AuditEvent.objects.filter(action="role_changed")
    assert [(e.target_label, e.details["org_admin"]) for e in events] == [("New Admin", True)]
