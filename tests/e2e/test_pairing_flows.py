"""Pairing in a real browser: an admin creates a programme and starts a round; a member
sees their group, why they were matched and when everyone is free, and says they met; a
member keeps a private list and snoozes; someone left out after quiet rounds rejoins; an
admin finds and changes buddies and reads the meeting rate."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from rapport.ledger.models import Interaction
from rapport.pairing import services
from rapport.pairing.models import Buddy, GroupMember, Participation, Program
from rapport.people.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, TeamFactory

from .conftest import assert_accessible, screenshot
from .test_shell_flows import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acme():
    org = OrganizationFactory(name="Acme", slug="acme")
    platform = TeamFactory(organization=org, name="Platform")
    design = TeamFactory(organization=org, name="Design")
    admin = PersonFactory(organization=org, display_name="Ada Admin", is_org_admin=True)
    MembershipFactory(person=admin, team=design, role=Membership.Role.LEAD)
    mia = PersonFactory(organization=org, display_name="Mia Member", location="London")
    MembershipFactory(person=mia, team=platform)
    sam = PersonFactory(
        organization=org, display_name="Sam Okafor", location="London", user__password=None
    )
    MembershipFactory(person=sam, team=design)
    return {"org": org, "admin": admin, "mia": mia, "sam": sam}


@pytest.fixture
def lunch(acme):
    return Program.objects.create(
        organization=acme["org"],
        name="Tuesday lunch",
        kind="lunch",
        announce_weekday=2,
        owner=acme["admin"],
    )


def test_an_admin_starts_a_round_and_a_member_says_they_met(new_page, acme):
    admin_page = new_page()
    sign_in(admin_page, acme["admin"].email)
    admin_page.goto("/pairing/")
    assert_accessible(admin_page)
    admin_page.get_by_role("link", name="New programme").click()
    assert_accessible(admin_page)
    admin_page.get_by_label("Name").fill("Tuesday coffee")
    admin_page.get_by_label("Group size").select_option("3")
    admin_page.get_by_label("Mix").select_option("any")
    admin_page.get_by_role("button", name="Create programme").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Tuesday coffee")
    admin_page.get_by_role("button", name="Start a round now").click()
    expect(admin_page.get_by_text(re.compile(r"Round announced: 1 group"))).to_be_visible()
    assert_accessible(admin_page)
    screenshot(admin_page, "pairing-program-admin")
    program = Program.objects.get()
    assert GroupMember.objects.filter(group__round__program=program).count() == 3

    page = new_page(phone=True)
    sign_in(page, acme["mia"].email)
    page.goto("/pairing/")
    expect(page.get_by_text(re.compile("Say hello to"))).to_be_visible()
    page.get_by_role("link", name="Open this round").click()
    assert_accessible(page)
    expect(page.get_by_text("Sam Okafor").first).to_be_visible()
    expect(page.get_by_text("Works in Design; you're in Platform.").first).to_be_visible()
    expect(page.get_by_role("heading", name="When you're all free")).to_be_visible()
    expect(page.locator(".suggested-times li").first).to_contain_text("for 30 minutes")
    screenshot(page, "pairing-round-phone")
    page.get_by_role("button", name="We met").click()
    expect(page.get_by_text("Lovely, thanks for telling us.")).to_be_visible()
    expect(page.get_by_text("You told us: We met")).to_be_visible()
    assert Interaction.objects.filter(kind="met").count() == 2


def test_a_member_keeps_a_private_dont_pair_list_and_snoozes(new_page, acme, lunch):
    page = new_page()
    sign_in(page, acme["mia"].email)
    # Sam is in another team: the list offers teammates, so Mia starts from Sam's page.
    page.goto(reverse("people:detail", args=[acme["sam"].pk]))
    page.get_by_role("link", name="Don't pair me with them").click()
    assert_accessible(page)
    expect(page.get_by_label("Colleague")).to_have_value(str(acme["sam"].pk))
    page.get_by_role("button", name="Add to my list").click()
    expect(page.get_by_text("Added. You won't be grouped together.")).to_be_visible()
    expect(page.locator("li", has_text="Sam Okafor")).to_be_visible()
    page.get_by_role("button", name="Remove Sam Okafor").click()
    expect(page.get_by_text("Removed from your list.")).to_be_visible()
    page.goto("/pairing/")
    page.get_by_role("link", name="Tuesday lunch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday lunch")
    page.get_by_label("Snooze until").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Snooze", exact=True).click()
    expect(page.get_by_text(re.compile(r"^Snoozed until \w+day \d+ \w+\.$"))).to_be_visible()
    expect(page.locator(".pill", has_text="Snoozed until")).to_be_visible()
    assert_accessible(page)
    assert acme["mia"] not in services.pool_people(program=lunch, on=timezone.localdate())
    page.get_by_role("button", name="Wake up").click()
    expect(page.get_by_text("Welcome back: you're in the next round.")).to_be_visible()
    assert acme["mia"] in services.pool_people(program=lunch, on=timezone.localdate())


def test_someone_left_out_after_quiet_rounds_says_yes_again(new_page, acme, lunch):
    Participation.objects.create(
        program=lunch, person=acme["mia"], needs_opt_back_in=True, ignored_rounds=3
    )
    page = new_page(phone=True)
    sign_in(page, acme["mia"].email)
    page.goto("/pairing/")
    expect(page.get_by_text("We left you out after a few quiet rounds.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, count me in").click()
    expect(
        page.get_by_text(re.compile("in Tuesday lunch. Look out for your group"))
    ).to_be_visible()
    expect(page.get_by_text("You're in", exact=True)).to_be_visible()
    assert not Participation.objects.get(person=acme["mia"]).needs_opt_back_in


def test_an_admin_finds_and_changes_buddies_and_reads_the_meeting_rate(new_page, acme):
    org = acme["org"]
    crew = [
        PersonFactory(organization=org, display_name=f"Crew {i}", user__password=None)
        for i in range(6)
    ]
    for person in [acme["admin"], acme["sam"], *crew]:
        type(person).objects.filter(pk=person.pk).update(start_date=date(2020, 1, 1))
    PersonFactory(
        organization=org,
        display_name="Nia New",
        start_date=timezone.localdate(),
        user__password=None,
    )
    page = new_page()
    sign_in(page, acme["admin"].email)
    page.goto("/pairing/")
    page.get_by_role("link", name="Buddies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Buddies")
    expect(page.get_by_text(re.compile("No buddies yet"))).to_be_visible()
    page.get_by_role("button", name="Find buddies for anyone waiting").click()
    expect(page.get_by_text(re.compile("1 new buddy pairing made"))).to_be_visible()
    expect(page.get_by_role("cell", name="Nia New New joiner")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New buddy for Nia New").select_option(label="Crew 3")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_text("Crew 3 is now Nia New's buddy.")).to_be_visible()
    assert Buddy.objects.get().buddy.display_name == "Crew 3"

    program = services.program_create(
        actor=acme["admin"],
        settings=services.ProgramSettings(
            name="Team-free coffee",
            kind="coffee",
            pool="organization",
            teams=[],
            locations=[],
            group_size=2,
            cadence="weekly",
            announce_weekday=1,
            announce_hour=10,
            time_zone="Europe/London",
            team_mode="any",
            avoid_managers=True,
        ),
    )
    services.round_run(program=program, on=timezone.localdate())
    page.goto(f"/pairing/programs/{program.pk}/")
    expect(page.get_by_text(re.compile("No finished rounds yet"))).to_be_visible()
    services.follow_ups_send(now=timezone.now() + timedelta(days=6))
    page.goto("/pairing/meeting-rate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting rate")
    expect(page.get_by_role("row", name=re.compile("Team-free coffee"))).to_contain_text(
        "0% answered"
    )
    assert_accessible(page)
    screenshot(page, "pairing-meeting-rate")
