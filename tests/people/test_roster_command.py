"""`manage.py import_roster` (what `rapport import-roster` runs)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rapport.people.management.commands.import_roster import Command
from rapport.people.models import Organization, Person, Team

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "roster_samples"
ACME = str(SAMPLES / "acme.csv")
BROKEN = str(SAMPLES / "broken.csv")


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_imports_a_file_and_says_what_changed(org):
    out, _ = run(ACME, "--organization", "acme")

    assert out == "Created 7 people, updated 0, left 0 unchanged; created 4 teams.\n"
    assert Person.objects.filter(organization=org).count() == 7
    margaret = Person.objects.get(user__email="margaret@acme.example")
    assert margaret.title == "Engineer, reliability"
    assert margaret.manager.display_name == "Linus Park"


def test_importing_the_same_file_again_changes_nothing(org):
    run(ACME, "--organization", "acme")

    out, _ = run(ACME, "--organization", "acme")

    assert out == "Created 0 people, updated 0, left 7 unchanged; created 0 teams.\n"


def test_a_dry_run_reports_and_writes_nothing(org):
    out, _ = run(ACME, "--organization", "acme", "--dry-run")

    assert out == (
        "Would create 7 people, update 0 and leave 0 unchanged; would create 4 teams.\n"
        "Dry run: nothing was written.\n"
    )
    assert not Person.objects.filter(organization=org).exists()


def test_every_error_is_printed_as_line_and_reason_and_nothing_is_written(org):
    with pytest.raises(CommandError, match=r"^The roster has 8 errors; nothing was imported\.$"):
        run(BROKEN, "--organization", "acme")

    assert not Person.objects.filter(organization=org).exists()


def test_the_errors_go_to_stderr_one_per_line(org):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", BROKEN, "--organization", "acme", stderr=err)

    assert err.getvalue().splitlines() == [
        "line 2: manager_email makes a management loop: "
        "ada@acme.example → annie@acme.example → ada@acme.example",
        "line 3: name is empty",
        "line 3: team_role “chief” must be member or lead",
        "line 3: timezone “Mars/Olympus” is not a time zone we know; use a name like Europe/Berlin",
        "line 3: start_date “2019-06-31” is not a date; write it as YYYY-MM-DD, e.g. 2024-03-01",
        "line 4: ada@acme.example is already on line 2",
        "line 5: status “resting” must be one of active, on_leave, returning, left",
        "line 5: manager_email makes a management loop: "
        "annie@acme.example → ada@acme.example → annie@acme.example",
    ]


def test_an_invalid_file_exits_with_a_non_zero_status(org, capsys):
    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "import_roster", BROKEN, "--organization", "acme"])

    assert exit_.value.code == 1
    assert "line 3: name is empty" in capsys.readouterr().err


def test_an_unknown_organisation_is_a_clear_error():
    with pytest.raises(
        CommandError, match=r"no organisation with the slug 'nope'.*--create-organization"
    ):
        run(ACME, "--organization", "nope")


def test_first_setup_can_create_the_organisation():
    out, _ = run(ACME, "--organization", "acme", "--create-organization", "Acme Inc")

    organization = Organization.objects.get(slug="acme")
    assert organization.name == "Acme Inc"
    assert out.startswith("Created the organisation Acme Inc (acme).\nCreated 7 people")
    assert Person.objects.get(user__email="ada@acme.example").is_org_admin


def test_create_organization_uses_an_existing_organisation_of_that_slug(org):
    run(ACME, "--organization", "acme", "--create-organization", "Something Else")

    assert Organization.objects.get().name == "Acme"
    assert Person.objects.filter(organization=org).count() == 7


def test_no_organisation_is_left_behind_by_a_dry_run_or_a_broken_file():
    run(ACME, "--organization", "acme", "--create-organization", "Acme", "--dry-run")
    with pytest.raises(CommandError):
        run(BROKEN, "--organization", "acme", "--create-organization", "Acme")

    assert not Organization.objects.exists()
    assert not Team.objects.exists()


def test_a_bad_organisation_slug_to_create_is_explained():
    with pytest.raises(CommandError, match="Can't create the organisation: slug"):
        run(ACME, "--organization", "not a slug", "--create-organization", "Acme")


def test_a_missing_file_is_a_clear_error(org, tmp_path):
    with pytest.raises(CommandError, match=r"Can't read .*nope\.csv: No such file or directory"):
        run(str(tmp_path / "nope.csv"), "--organization", "acme")


def test_it_reads_standard_input_for_a_dash(org, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(Path(ACME).read_bytes()))
    monkeypatch.setattr("sys.stdin", stdin)

    out, _ = run("-", "--organization", "acme")

    assert out.startswith("Created 7 people")


def test_a_progress_bar_is_shown_on_stderr_while_writing(org, capsys):
    run(ACME, "--organization", "acme")

    assert "Importing: 100%" in capsys.readouterr().err


def test_there_is_no_progress_bar_for_a_dry_run_or_at_verbosity_0(org, capsys):
    run(ACME, "--organization", "acme", "--dry-run")
    call_command(
        "import_roster", ACME, "--organization", "acme", "--verbosity", "0", stdout=io.StringIO()
    )

    assert "Importing" not in capsys.readouterr().err
