"""Roster import: an org admin's CSV of people, teams and reporting lines, applied as one
idempotent upsert keyed by email.

Three steps, each usable on its own:

- `roster_parse` (or `roster_read` for bytes) turns CSV text into rows and the errors that a
  single row can show by itself (bad values, duplicates, self-management);
- `roster_plan` checks the rows against the organisation in the database (emails of other
  accounts, unknown managers, management loops, the last org admin) and works out what
  would change;
- `roster_apply` plans again inside one transaction and, if there is no error at all and
  this is not a dry run, writes everything; otherwise it writes nothing.

Why no `full_clean()` per object: an import may hold 100k rows and `full_clean` queries the
database for every unique check. Instead every value is checked against the models' own
rules (their fields' lengths and choices, the time zones `validate_time_zone` accepts) while
parsing, and the invariants that
`Person.clean` and `Membership.clean` guard one object at a time (same organisation, no
management cycles) are checked for the whole file at once by the plan. Writes then go out
in bulk, a few queries per thousand rows.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal, TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower

from rapport.accounts.models import User
from rapport.audit.actions import Action
from rapport.audit.services import audit_record

from .models import Membership, Organization, Person, Team, valid_time_zones
from .services import people_sync_sign_in

#: The columns a roster may have, with what each means (shown on the import page).
COLUMNS: dict[str, str] = {
    "email": "The key: one row per person, matched without regard to case.",
    "name": "The name colleagues see.",
    "team": 'The team, as a path for nested teams ("Engineering/Platform"); created if '
    "missing. Empty: the person is in no team.",
    "team_role": "member or lead (default member).",
    "org_admin": "yes or no (default no): whether the person is on the people team.",
    "manager_email": "The manager's email: someone in the file or already in the organisation.",
    "timezone": "An IANA time zone name like Europe/Berlin (default UTC).",
    "location": "Office or city.",
    "title": "Job title.",
    "start_date": "YYYY-MM-DD.",
    "status": "active, on_leave, returning or left (default active).",
}
REQUIRED_COLUMNS = ("email", "name")

DEFAULT_TIME_ZONE = "UTC"
TEAM_PATH_SEPARATOR = "/"
WRITE_BATCH_SIZE = 1000
_LOOKUP_BATCH_SIZE = 500  # emails per IN (...) query; SQLite allows 999 parameters

_DATE_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
_YES_NO = {"yes": True, "no": False}

T = TypeVar("T")


def _max_length(model: type[Person] | type[Team] | type[User], name: str) -> int:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field) and model_field.max_length is not None
    return model_field.max_length


EMAIL_MAX_LENGTH = _max_length(User, "email")
NAME_MAX_LENGTH = _max_length(Person, "display_name")
LOCATION_MAX_LENGTH = _max_length(Person, "location")
TITLE_MAX_LENGTH = _max_length(Person, "title")
TEAM_NAME_MAX_LENGTH = _max_length(Team, "name")


@dataclass(frozen=True)
class RosterError:
    """Something wrong with the file. `line` is the physical line (the header is line 1)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class RosterRow:
    """One person as the file describes them: values checked, normalised and named as the
    Person fields they set."""

    line: int
    email: str
    display_name: str
    team: tuple[str, ...] = ()  # path from the top-level team down; () means no team
    team_role: str = Membership.Role.MEMBER
    is_org_admin: bool = False
    manager_email: str = ""
    time_zone: str = DEFAULT_TIME_ZONE
    location: str = ""
    title: str = ""
    start_date: date | None = None
    status: str = Person.Status.ACTIVE


@dataclass(frozen=True)
class ParsedRoster:
    """A file read as CSV. Rows whose email is unusable or repeated are left out of `rows`
    (their errors are in `errors`); other rows with errors stay, so that references to them
    as a manager still resolve."""

    text: str
    columns: frozenset[str]
    rows: tuple[RosterRow, ...]
    errors: tuple[RosterError, ...]


@dataclass(frozen=True)
class RosterChange:
    """What the import does to one person; `fields` are CSV column names."""

    line: int
    email: str
    action: Literal["create", "update"]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class RosterResult:
    errors: tuple[RosterError, ...]
    created: int
    updated: int
    unchanged: int
    teams_created: int
    changes: tuple[RosterChange, ...]
    applied: bool

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated or self.teams_created)

    def describe(self) -> str:
        """One sentence for people: what changed, or what would change."""
        people, teams = _people(self.created), _teams(self.teams_created)
        if self.applied:
            return (
                f"Created {people}, updated {self.updated}, left {self.unchanged} unchanged; "
                f"created {teams}."
            )
        return (
            f"Would create {people}, update {self.updated} and leave {self.unchanged} "
            f"unchanged; would create {teams}."
        )


def _people(n: int) -> str:
    return f"{n} person" if n == 1 else f"{n} people"


def _teams(n: int) -> str:
    return f"{n} team" if n == 1 else f"{n} teams"


# --- Parsing ---------------------------------------------------------------------------


def roster_read(*, data: bytes) -> ParsedRoster:
    """Parse a roster file as uploaded: UTF-8, with or without a byte order mark."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        error = RosterError(
            line,
            "the file is not UTF-8 text; save it as “CSV UTF-8” "
            f"(byte 0x{data[exc.start]:02x} is not valid UTF-8)",
        )
        return ParsedRoster(text="", columns=frozenset(), rows=(), errors=(error,))
    return roster_parse(text=text)


def roster_parse(*, text: str) -> ParsedRoster:
    """Read CSV text (comma-separated, header first) into checked rows and errors."""
    text = text.removeprefix("\ufeff")

    def failed(error: RosterError) -> ParsedRoster:
        return ParsedRoster(text=text, columns=frozenset(), rows=(), errors=(error,))

    if not text.strip():
        return failed(
            RosterError(
                1, f"the file is empty; the first line must be the header, e.g. {','.join(COLUMNS)}"
            )
        )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return failed(
            RosterError(
                line, "the file is not text (it holds NUL characters); export the sheet as CSV"
            )
        )

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    errors: list[RosterError] = []
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except csv.Error as exc:
        return failed(RosterError(1, f"the header is not valid CSV ({exc})"))
    header_errors = _check_header(header)
    if header_errors:
        return ParsedRoster(text=text, columns=frozenset(), rows=(), errors=tuple(header_errors))
    columns = frozenset(header)

    rows: list[RosterRow] = []
    first_line_of: dict[str, int] = {}
    last_line = reader.line_num
    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines and spreadsheet rows of empty cells
            if len(cells) != len(header):
                errors.append(
                    RosterError(
                        line,
                        f"this row has {len(cells)} values but the header has "
                        f"{len(header)} columns",
                    )
                )
                continue
            values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            row, row_errors = _parse_row(line, values)
            errors.extend(row_errors)
            if row is None:
                continue
            if row.email in first_line_of:
                errors.append(
                    RosterError(line, f"{row.email} is already on line {first_line_of[row.email]}")
                )
                continue
            first_line_of[row.email] = line
            rows.append(row)
    except csv.Error as exc:
        # The reader can't go on after this, so the rest of the file is not checked.
        hint = (
            ""
            if "field limit" in str(exc)
            else "; a value that starts with a quote must end with one"
        )
        errors.append(
            RosterError(
                last_line + 1,
                f"this line is not valid CSV ({exc}){hint}. Nothing after this line was read",
            )
        )
    return ParsedRoster(text=text, columns=columns, rows=tuple(rows), errors=tuple(errors))


def _check_header(header: list[str]) -> list[RosterError]:
    if len(header) == 1 and ";" in header[0]:
        return [RosterError(1, "the columns are separated by semicolons; use commas")]
    errors = []
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name:
            errors.append(RosterError(1, f"column {position} has no name"))
        elif name not in COLUMNS:
            errors.append(
                RosterError(
                    1, f"unknown column {_show(name)}; the columns are {', '.join(COLUMNS)}"
                )
            )
        elif name in seen:
            errors.append(RosterError(1, f"the column {name} appears twice"))
        seen.add(name)
    errors.extend(
        RosterError(1, f"the required column {name} is missing")
        for name in REQUIRED_COLUMNS
        if name not in seen
    )
    return errors


def _parse_row(line: int, values: dict[str, str]) -> tuple[RosterRow | None, list[RosterError]]:
    """The row (None if its email is unusable) and everything wrong with it."""
    messages: list[str] = []

    def problem(message: str) -> None:
        messages.append(message)

    email = _email(values["email"], "email", problem)
    if not values["email"]:
        problem("email is empty")

    name = values["name"]
    if not name:
        problem("name is empty")
    _check_length("name", name, NAME_MAX_LENGTH, problem)

    team = _team_path(values.get("team", ""), problem)

    team_role = values.get("team_role", "").lower() or Membership.Role.MEMBER
    if team_role not in Membership.Role.values:
        problem(f"team_role {_show(values['team_role'])} must be member or lead")
    elif team_role == Membership.Role.LEAD and not team:
        problem("team_role is lead but team is empty")

    org_admin = values.get("org_admin", "").lower() or "no"
    if org_admin not in _YES_NO:
        problem(f"org_admin {_show(values['org_admin'])} must be yes or no")

    manager_email = _email(values.get("manager_email", ""), "manager_email", problem)
    if email and manager_email == email:
        problem("a person can't be their own manager")

    time_zone = values.get("timezone", "") or DEFAULT_TIME_ZONE
    canonical_time_zone = _time_zones_by_lower_name().get(time_zone.lower())
    if canonical_time_zone is None:
        problem(
            f"timezone {_show(time_zone)} is not a time zone we know; use a name like Europe/Berlin"
        )

    location = values.get("location", "")
    _check_length("location", location, LOCATION_MAX_LENGTH, problem)
    title = values.get("title", "")
    _check_length("title", title, TITLE_MAX_LENGTH, problem)

    start_date = _date(values.get("start_date", ""), problem)

    status = values.get("status", "").lower() or Person.Status.ACTIVE
    if status not in Person.Status.values:
        problem(
            f"status {_show(values['status'])} must be one of {', '.join(Person.Status.values)}"
        )

    errors = [RosterError(line, message) for message in messages]
    if not email:
        return None, errors
    row = RosterRow(
        line=line,
        email=email,
        display_name=name,
        team=team,
        team_role=team_role,
        is_org_admin=_YES_NO.get(org_admin, False),
        manager_email=manager_email,
        time_zone=canonical_time_zone or DEFAULT_TIME_ZONE,
        location=location,
        title=title,
        start_date=start_date,
        status=status,
    )
    return row, errors


def _email(value: str, column: str, problem: Callable[[str], None]) -> str:
    """The normalised email ("" if empty or invalid), as `User.objects.create_user` would
    store it."""
    if not value:
        return ""
    email = User.objects.normalize_email(value).lower()
    if len(email) > EMAIL_MAX_LENGTH:
        problem(f"{column} is {len(email)} characters long; at most {EMAIL_MAX_LENGTH} fit")
        return ""
    try:
        validate_email(email)
    except ValidationError:
        problem(f"{column} {_show(value)} is not a valid email address")
        return ""
    return email


def _team_path(value: str, problem: Callable[[str], None]) -> tuple[str, ...]:
    if not value:
        return ()
    names = tuple(name.strip() for name in value.split(TEAM_PATH_SEPARATOR))
    if not all(names):
        problem(f"team {_show(value)} has an empty part; write nested teams as Parent/Child")
        return ()
    for name in names:
        if len(name) > TEAM_NAME_MAX_LENGTH:
            problem(
                f"the team name {_show(name)} is {len(name)} characters long; "
                f"at most {TEAM_NAME_MAX_LENGTH} fit"
            )
            return ()
    return names


def _date(value: str, problem: Callable[[str], None]) -> date | None:
    if not value:
        return None
    if _DATE_FORMAT.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problem(f"start_date {_show(value)} is not a date; write it as YYYY-MM-DD, e.g. 2024-03-01")
    return None


def _check_length(column: str, value: str, limit: int, problem: Callable[[str], None]) -> None:
    if len(value) > limit:
        problem(f"{column} is {len(value)} characters long; at most {limit} fit")


@cache
def _time_zones_by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in valid_time_zones()}


def _show(value: str, limit: int = 40) -> str:
    """A value quoted for an error message, shortened so one bad cell can't flood it."""
    return f"“{value if len(value) <= limit else value[: limit - 1] + '…'}”"


# --- Planning --------------------------------------------------------------------------

# Roster columns -> the Person field each one sets (name and email are always present).
_PERSON_FIELDS = {
    "name": "display_name",
    "org_admin": "is_org_admin",
    "timezone": "time_zone",
    "location": "location",
    "title": "title",
    "start_date": "start_date",
    "status": "status",
}


@dataclass
class _PersonPlan:
    row: RosterRow
    person: Person | None  # None until a new person is created
    fields: tuple[str, ...]  # CSV columns whose value changes
    is_new: bool


@dataclass
class RosterPlan:
    """What importing a parsed roster into an organisation would do."""

    organization: Organization
    parsed: ParsedRoster
    errors: list[RosterError]
    people: list[_PersonPlan]
    #: existing people of the organisation by lowercase email
    existing: dict[str, Person]
    #: team ids by lowercase path
    team_ids: dict[tuple[str, ...], int]
    #: teams to create, parents before children, spelled as the file first spells them
    new_teams: list[tuple[str, ...]]
    #: person id -> {team id: (membership id, role)}, for people of the organisation
    memberships: dict[int, dict[int, tuple[int, str]]]

    def result(self, *, applied: bool) -> RosterResult:
        changes = tuple(
            RosterChange(
                line=plan.row.line,
                email=plan.row.email,
                action="create" if plan.is_new else "update",
                fields=plan.fields,
            )
            for plan in sorted(self.people, key=lambda plan: plan.row.line)
            if plan.fields
        )
        created = sum(1 for change in changes if change.action == "create")
        return RosterResult(
            errors=tuple(sorted(self.errors, key=lambda e: e.line or 0)),
            created=created,
            updated=len(changes) - created,
            unchanged=len(self.people) - len(changes),
            teams_created=len(self.new_teams),
            changes=changes,
            applied=applied,
        )


def roster_plan(*, organization: Organization, parsed: ParsedRoster) -> RosterPlan:
    """Check a parsed roster against the organisation and work out what would change."""
    columns = parsed.columns
    errors = list(parsed.errors)
    rows = parsed.rows
    in_file = {row.email: row for row in rows}

    existing: dict[str, Person] = {
        person.email_key: person  # type: ignore[attr-defined]
        for person in Person.objects.filter(organization=organization)
        .annotate(email_key=Lower("user__email"))
        .only("user", "manager", *_PERSON_FIELDS.values())
    }
    email_by_id = {person.pk: email for email, person in existing.items()}

    taken = _emails_of_other_accounts([row.email for row in rows if row.email not in existing])
    for row in rows:
        if row.email in taken:
            errors.append(RosterError(row.line, f"{row.email} is already used by another account"))

    def final_manager(email: str) -> str | None:
        row = in_file.get(email)
        if row is not None and "manager_email" in columns:
            if row.manager_email == email:
                return None  # reported while parsing
            known = row.manager_email in in_file or row.manager_email in existing
            return row.manager_email if known else None
        person = existing.get(email)
        return email_by_id.get(person.manager_id) if person and person.manager_id else None

    if "manager_email" in columns:
        for row in rows:
            if row.manager_email not in ("", row.email) and final_manager(row.email) is None:
                errors.append(
                    RosterError(
                        row.line,
                        f"manager_email {row.manager_email} is not in the file "
                        "or in the organisation",
                    )
                )
        errors.extend(_management_loops(in_file, existing, final_manager))
    errors.extend(_last_admin_errors(columns, rows, existing))

    team_ids, new_teams = _teams_plan(organization, rows if "team" in columns else ())
    memberships: dict[int, dict[int, tuple[int, str]]] = {}
    if "team" in columns:
        for membership_id, person_id, team_id, role in Membership.objects.filter(
            person__organization=organization
        ).values_list("id", "person_id", "team_id", "role"):
            memberships.setdefault(person_id, {})[team_id] = (membership_id, role)

    plan = RosterPlan(
        organization=organization,
        parsed=parsed,
        errors=errors,
        people=[],
        existing=existing,
        team_ids=team_ids,
        new_teams=new_teams,
        memberships=memberships,
    )
    for row in rows:
        person = existing.get(row.email)
        fields = (
            _changed_columns(plan, row, person)
            if person
            else tuple(column for column in COLUMNS if column in columns)
        )
        plan.people.append(
            _PersonPlan(row=row, person=person, fields=fields, is_new=person is None)
        )
    return plan


def _emails_of_other_accounts(emails: Sequence[str]) -> set[str]:
    """Which of these emails already sign in to an account (of another organisation, or of
    none: a site administrator or, later, a therapist)."""
    taken: set[str] = set()
    for batch in _chunks(emails, _LOOKUP_BATCH_SIZE):
        taken.update(
            User.objects.annotate(email_key=Lower("email"))
            .filter(email_key__in=batch)
            .values_list("email_key", flat=True)
        )
    return taken


def _management_loops(
    in_file: dict[str, RosterRow],
    existing: dict[str, Person],
    final_manager: Callable[[str], str | None],
) -> list[RosterError]:
    """One error per row of the file that would sit on a management loop, naming the loop.

    Everyone has at most one manager, so following managers from anyone either ends or
    enters exactly one loop; each person is walked once, which keeps 100k rows fast.
    """
    errors: list[RosterError] = []
    done: set[str] = set()
    for start in [*in_file, *existing]:
        path: list[str] = []
        on_path: dict[str, int] = {}
        email: str | None = start
        while email is not None and email not in done and email not in on_path:
            on_path[email] = len(path)
            path.append(email)
            email = final_manager(email)
        if email is not None and email in on_path:
            loop = path[on_path[email] :]
            for i, member in enumerate(loop):
                row = in_file.get(member)
                if row is not None:
                    errors.append(
                        RosterError(
                            row.line,
                            "manager_email makes a management loop: "
                            + _describe_loop([*loop[i:], *loop[:i]]),
                        )
                    )
        done.update(path)
    return errors


def _describe_loop(loop: list[str]) -> str:
    """ "a → b → c → a"; a long loop is shortened so each message stays readable."""
    if len(loop) > 6:
        return " → ".join([*loop[:3], "…", loop[-1], loop[0]]) + f" ({len(loop)} people)"
    return " → ".join([*loop, loop[0]])


def _last_admin_errors(
    columns: frozenset[str], rows: Sequence[RosterRow], existing: dict[str, Person]
) -> list[RosterError]:
    """An organisation that has an org admin keeps at least one (who has not left)."""
    if "org_admin" not in columns and "status" not in columns:
        return []

    def is_admin(person: Person) -> bool:
        return person.is_org_admin and person.status != Person.Status.LEFT

    admins_before = {email for email, person in existing.items() if is_admin(person)}
    if not admins_before:
        return []
    admins_after = set(admins_before)
    demoted: list[RosterRow] = []
    for row in rows:
        admin = (
            row.is_org_admin
            if "org_admin" in columns
            else (row.email in existing and existing[row.email].is_org_admin)
        )
        status = (
            row.status
            if "status" in columns
            else (existing[row.email].status if row.email in existing else Person.Status.ACTIVE)
        )
        if admin and status != Person.Status.LEFT:
            admins_after.add(row.email)
        else:
            admins_after.discard(row.email)
            if row.email in admins_before:
                demoted.append(row)
    if admins_after:
        return []
    return [
        RosterError(
            row.line,
            "this would leave the organisation without an org admin; "
            "keep at least one person with org_admin yes who has not left",
        )
        for row in demoted
    ]


def _teams_plan(
    organization: Organization, rows: Iterable[RosterRow]
) -> tuple[dict[tuple[str, ...], int], list[tuple[str, ...]]]:
    """Existing team ids by lowercase path, and the paths to create (parents first)."""
    teams = {
        pk: (name, parent_id)
        for pk, name, parent_id in Team.objects.filter(organization=organization).values_list(
            "id", "name", "parent_id"
        )
    }

    @cache
    def path_of(pk: int) -> tuple[str, ...]:
        name, parent_id = teams[pk]
        parent_path = path_of(parent_id) if parent_id in teams else ()
        return (*parent_path, name.lower())

    team_ids = {path_of(pk): pk for pk in teams}
    new_teams: dict[tuple[str, ...], tuple[str, ...]] = {}  # lowercase path -> spelling
    for row in rows:
        for depth in range(1, len(row.team) + 1):
            spelled = row.team[:depth]
            key = tuple(name.lower() for name in spelled)
            if key not in team_ids and key not in new_teams:
                new_teams[key] = spelled
    return team_ids, sorted(new_teams.values(), key=len)


def _changed_columns(plan: RosterPlan, row: RosterRow, person: Person) -> tuple[str, ...]:
    columns = plan.parsed.columns
    changed = [
        column
        for column, field_name in _PERSON_FIELDS.items()
        if column in columns and getattr(person, field_name) != _value(row, column)
    ]
    if "manager_email" in columns and person.manager_id != _manager_id(plan, row):
        changed.append("manager_email")
    if "team" in columns:
        current = {
            team_id: role for team_id, (_, role) in plan.memberships.get(person.pk, {}).items()
        }
        wanted = _wanted_membership(plan, row, current)
        if wanted is None or current.keys() != wanted.keys():
            changed.append("team")
        elif current != wanted:
            changed.append("team_role")
    return tuple(changed)


def _value(row: RosterRow, column: str) -> object:
    return getattr(row, _PERSON_FIELDS[column])


def _manager_id(plan: RosterPlan, row: RosterRow) -> int | None:
    """The manager's id, None for no manager, or -1 for a manager not yet created."""
    if not row.manager_email:
        return None
    manager = plan.existing.get(row.manager_email)
    return manager.pk if manager is not None else -1


def _wanted_membership(
    plan: RosterPlan, row: RosterRow, current: dict[int, str]
) -> dict[int, str] | None:
    """{team id: role} the person should have; None if the team is yet to be created."""
    if not row.team:
        return {}
    team_id = plan.team_ids.get(tuple(name.lower() for name in row.team))
    if team_id is None:
        return None
    if "team_role" in plan.parsed.columns:
        role = row.team_role
    else:  # the file doesn't manage roles: keep the one the person has in that team
        role = current.get(team_id, Membership.Role.MEMBER)
    return {team_id: role}


# --- Applying --------------------------------------------------------------------------


def roster_apply(
    *,
    organization: Organization,
    parsed: ParsedRoster,
    actor: Person | None = None,
    dry_run: bool = False,
    progress: Callable[[int], object] | None = None,
) -> RosterResult:
    """Import the roster: all of it, or (on any error, or as a dry run) none of it.

    `actor` is the org admin importing from the web (None from the command line);
    `progress` is called with the number of rows written after each batch.
    """
    if actor is not None and (actor.organization_id != organization.pk or not actor.is_org_admin):
        raise PermissionDenied("Only an org admin of the organisation can import its roster.")
    if dry_run:
        return roster_plan(organization=organization, parsed=parsed).result(applied=False)
    try:
        with transaction.atomic():
            # One import per organisation at a time: the second plans against the first's result.
            Organization.objects.select_for_update().filter(pk=organization.pk).first()
            plan = roster_plan(organization=organization, parsed=parsed)
            if plan.errors:
                return plan.result(applied=False)
            _write(plan, progress)
            people_sync_sign_in(organization=organization)
            result = plan.result(applied=True)
            audit_record(
                organization=organization,
                actor=actor,
                action=Action.ROSTER_IMPORTED,
                details={
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "teams_created": result.teams_created,
                },
            )
            _audit_admin_changes(organization=organization, actor=actor, result=result)
            return result
    except IntegrityError:
        # Someone added one of these emails or teams while we were writing.
        return RosterResult(
            errors=(
                RosterError(
                    None,
                    "the organisation changed while the roster was being imported; "
                    "nothing was imported, please try again",
                ),
            ),
            created=0,
            updated=0,
            unchanged=0,
            teams_created=0,
            changes=(),
            applied=False,
        )


def _audit_admin_changes(
    *, organization: Organization, actor: Person | None, result: RosterResult
) -> None:
    """Who may administer the organisation is access: each change gets its own event."""
    changed = {c.email: c.action for c in result.changes if "org_admin" in c.fields}
    if not changed:
        return
    people = Person.objects.filter(organization=organization, user__email__in=list(changed))
    for person in people.select_related("user"):
        if changed[person.user.email] == "create" and not person.is_org_admin:
            continue  # a new member who is not an admin: nothing about access changed
        audit_record(
            organization=organization,
            actor=actor,
            action=Action.ROLE_CHANGED,
            target=person,
            details={"org_admin": person.is_org_admin, "via": "roster"},
        )


def _write(plan: RosterPlan, progress: Callable[[int], object] | None) -> None:
    _create_teams(plan)
    person_ids = {email: person.pk for email, person in plan.existing.items()}
    # Managers before the people they manage, so that new people get their manager as they
    # are created; only those whose manager is created in the same batch need a second write.
    for batch in _chunks(_managers_first(plan.people), WRITE_BATCH_SIZE):
        changing = [item for item in batch if item.fields]
        _create_people(plan, [item for item in changing if item.is_new], person_ids)
        _update_people(plan, [item for item in changing if not item.is_new], person_ids)
        if "team" in plan.parsed.columns:
            _write_memberships(plan, changing)
        if progress is not None:
            progress(len(batch))


def _create_people(plan: RosterPlan, new: list[_PersonPlan], person_ids: dict[str, int]) -> None:
    """Create the batch's new people, each with a user who signs in by emailed code."""
    users = User.objects.bulk_create(
        [User(email=item.row.email, password=_unusable_password()) for item in new]
    )
    people = Person.objects.bulk_create(
        [
            _new_person(plan, item.row, user, person_ids)
            for item, user in zip(new, users, strict=True)
        ]
    )
    for item, person in zip(new, people, strict=True):
        person_ids[item.row.email] = person.pk
        item.person = person
    late = []
    for item, person in zip(new, people, strict=True):
        if item.row.manager_email and person.manager_id is None:
            person.manager_id = person_ids[item.row.manager_email]
            late.append(person)
    Person.objects.bulk_update(late, ["manager"])


def _unusable_password() -> str:
    """What `set_unusable_password()` stores (the prefix marks it unusable; the random rest
    keeps password-reset tokens unique), without 40 calls to the random source per user."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _update_people(
    plan: RosterPlan, changing: list[_PersonPlan], person_ids: dict[str, int]
) -> None:
    # Field by field, only the people whose value changes: a re-import usually changes a
    # few details of a few people, and bulk_update's cost grows with people x fields.
    changed: dict[str, list[Person]] = defaultdict(list)
    for item in changing:
        assert item.person is not None
        person = item.person
        for column in item.fields:
            if column in _PERSON_FIELDS:
                setattr(person, _PERSON_FIELDS[column], _value(item.row, column))
                changed[_PERSON_FIELDS[column]].append(person)
            elif column == "manager_email":
                person.manager_id = person_ids.get(item.row.manager_email)
                changed["manager"].append(person)
    for field_name, people in changed.items():
        Person.objects.bulk_update(people, [field_name])


def _new_person(plan: RosterPlan, row: RosterRow, user: User, person_ids: dict[str, int]) -> Person:
    person = Person(
        user=user,
        organization=plan.organization,
        display_name=row.display_name,
        manager_id=person_ids.get(row.manager_email),
    )
    for column, field_name in _PERSON_FIELDS.items():
        if column in plan.parsed.columns:  # absent columns keep the model's defaults
            setattr(person, field_name, _value(row, column))
    return person


def _managers_first(people: list[_PersonPlan]) -> list[_PersonPlan]:
    """The people sorted so that everyone comes after their manager (there are no loops:
    the plan refuses them)."""
    by_email = {item.row.email: item for item in people}
    depth: dict[str, int] = {}
    for item in people:
        chain: list[str] = []
        on_chain: set[str] = set()  # a guard only: loops never get this far
        email = item.row.email
        while email in by_email and email not in depth and email not in on_chain:
            chain.append(email)
            on_chain.add(email)
            email = by_email[email].row.manager_email
        base = depth.get(email, 0)
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member] = base + offset
    return sorted(people, key=lambda item: depth[item.row.email])


def _create_teams(plan: RosterPlan) -> None:
    organization = plan.organization
    for depth in sorted({len(path) for path in plan.new_teams}):
        level = [path for path in plan.new_teams if len(path) == depth]
        teams = Team.objects.bulk_create(
            [
                Team(
                    organization=organization,
                    name=path[-1],
                    parent_id=plan.team_ids[_key(path[:-1])] if depth > 1 else None,
                )
                for path in level
            ]
        )
        for path, team in zip(level, teams, strict=True):
            plan.team_ids[_key(path)] = team.pk


def _write_memberships(plan: RosterPlan, changing: list[_PersonPlan]) -> None:
    to_delete: list[int] = []
    to_update: list[Membership] = []
    to_create: list[Membership] = []
    for item in changing:
        if "team" not in item.fields and "team_role" not in item.fields:
            continue
        assert item.person is not None
        current = plan.memberships.get(item.person.pk, {})
        wanted = _wanted_membership(plan, item.row, {t: r for t, (_, r) in current.items()})
        assert wanted is not None  # every team exists by now
        for team_id, (membership_id, role) in current.items():
            if team_id not in wanted:
                to_delete.append(membership_id)
            elif wanted[team_id] != role:
                to_update.append(Membership(pk=membership_id, role=wanted[team_id]))
        to_create.extend(
            Membership(person_id=item.person.pk, team_id=team_id, role=role)
            for team_id, role in wanted.items()
            if team_id not in current
        )
    if to_delete:
        Membership.objects.filter(pk__in=to_delete).delete()
    Membership.objects.bulk_update(to_update, ["role"])
    Membership.objects.bulk_create(to_create)


def _key(path: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.lower() for name in path)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
