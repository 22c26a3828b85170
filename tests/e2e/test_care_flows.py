"""Care in a real browser: a member finds Tracy, books, moves and cancels; Tracy sees the
booking in her schedule; an org admin opening the booking's address gets a 404."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rapport.care.models import Booking, Specialty, codes_field_value
from tests.care.factories import (
    PracticeAdminFactory,
    PracticeFactory,
    SessionTypeFactory,
    TherapistFactory,
    contract,
    every_day,
)
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    TeamFactory,
)

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    org = OrganizationFactory(name="Acme", slug="acme")
    team = TeamFactory(organization=org, name="Design")
    mia = PersonFactory(organization=org, display_name="Mia Member")
    MembershipFactory(person=mia, team=team)
    admin = PersonFactory(organization=org, display_name="Ada Admin", is_org_admin=True)
    practice = PracticeFactory(name="Harbour Lane Counselling", slug="harbour-lane")
    tracy = TherapistFactory(
        practice=practice,
        display_name="Tracy Adeyemi-Clarke",
        user__email="tracy@harbour-lane.example",
        specialties=codes_field_value(
            [Specialty.TOXIC_WORKPLACE, Specialty.WORK_LIFE_BALANCE, Specialty.RETURN_TO_WORK]
        ),
    )
    every_day(tracy)
    SessionTypeFactory(therapist=tracy, name="Session", duration_minutes=50, position=1)
    SessionTypeFactory(
        therapist=tracy, name="Introduction call", duration_minutes=15, is_intro=True, position=0
    )
    jonah = TherapistFactory(practice=practice, display_name="Jonah Whitfield")
    every_day(jonah)
    SessionTypeFactory(therapist=jonah)
    desk = PracticeAdminFactory(practice=practice, user__email="desk@harbour-lane.example").user
    contract(org, [practice], funded=8)
    return {"mia": mia, "admin": admin, "tracy": tracy, "desk": desk}


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_a_member_finds_tracy_books_moves_and_cancels_and_only_tracy_sees_it(new_page, world):
    page = new_page()
    sign_in(page, world["mia"].email)
    page.goto("/care/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Talk to someone")
    expect(page.get_by_text("of 8 left")).to_be_visible()
    assert_accessible(page)

    # Filter by what she wants to talk about: only Tracy is left.
    page.get_by_label("What would you like to talk about?").select_option(
        Specialty.TOXIC_WORKPLACE.value
    )
    directory = page.locator("#directory")
    expect(directory.get_by_role("link", name="Jonah Whitfield")).to_have_count(0)
    directory.get_by_role("link", name="Tracy Adeyemi-Clarke").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tracy Adeyemi-Clarke")
    assert_accessible(page)
    screenshot(page, "care-therapist-desktop")

    # Book the first free time of the week after next, with a word of intake.
    page.get_by_role("link", name=re.compile(r"^Later")).click()
    page.get_by_role("link", name=re.compile(r"^Later")).click()
    expect(page).to_have_url(re.compile(r"week="))
    page.locator("a.care-slot").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your appointment")
    assert_accessible(page)
    page.get_by_label("What brings you here? (optional)").fill("My manager undermines me")
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your appointment")
    expect(page.get_by_role("status")).to_contain_text("You're booked")
    assert_accessible(page)
    booking = Booking.objects.get()
    first_start = booking.starts_at
    booking_url = page.url

    # Move it to a later time.
    page.get_by_role("link", name="Move to another time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Move your appointment")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Later")).click()
    expect(page).to_have_url(re.compile(r"week="))
    page.locator("button.care-slot").nth(3).click()
    expect(page.get_by_role("status")).to_contain_text("Moved")
    booking.refresh_from_db()
    assert booking.starts_at != first_start and booking.sequence == 1

    # Tracy sees it in her schedule, with the intake.
    tracy_page = new_page()
    sign_in(tracy_page, world["tracy"].user.email)
    tracy_page.goto("/care/practice/")
    expect(tracy_page.get_by_role("heading", level=1)).to_have_text("Upcoming sessions")
    expect(tracy_page.get_by_text("Mia Member")).to_be_visible()
    assert_accessible(tracy_page)
    tracy_page.get_by_role("link", name=re.compile(r"\d\d:\d\d")).first.click()
    expect(tracy_page.get_by_text("My manager undermines me")).to_be_visible()
    assert_accessible(tracy_page)

    # The org admin gets a 404 at the booking's address.
    admin_page = new_page()
    sign_in(admin_page, world["admin"].email)
    response = admin_page.goto(booking_url)
    assert response is not None and response.status == 404
    expect(admin_page.get_by_text("My manager undermines me")).to_have_count(0)

    # Mia cancels; the time is free again.
    page.goto(booking_url)
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_role("status")).to_contain_text("Cancelled")
    expect(page.get_by_text("Cancelled", exact=True)).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    tracy_page.goto("/care/practice/")
    expect(tracy_page.get_by_text("Mia Member")).to_have_count(0)


def test_the_care_page_works_on_a_phone(new_page, world):
    page = new_page(phone=True)
    sign_in(page, world["mia"].email)
    page.goto("/care/")
    expect(page.get_by_role("link", name="Tracy Adeyemi-Clarke")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "care-home-phone")


def test_the_practice_desk_pauses_a_therapist_and_sees_schedules_without_names(new_page, world):
    from rapport.care import selectors, services

    tracy = world["tracy"]
    session = tracy.session_types.get(name="Session")
    slot = selectors.slots_for(therapist=tracy, session_type=session)[3]
    services.booking_create(
        client=world["mia"], therapist=tracy, session_type=session, starts_at=slot.start
    )
    page = new_page()
    sign_in(page, world["desk"].email)
    page.goto("/care/practice/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice")
    assert_accessible(page)
    row = page.get_by_role("row", name=re.compile("Tracy Adeyemi-Clarke"))
    row.get_by_role("link", name="Schedule").click()
    expect(page.get_by_role("cell", name="Session")).to_be_visible()
    expect(page.get_by_text("Mia Member")).to_have_count(0)
    page.go_back()
    page.get_by_role("row", name=re.compile("Tracy Adeyemi-Clarke")).get_by_role(
        "link", name="Profile"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile of Tracy Adeyemi-Clarke")
    assert_accessible(page)
    page.get_by_label("Taking new bookings").uncheck()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved")

    member = new_page()
    sign_in(member, world["mia"].email)
    member.goto("/care/")
    expect(member.locator("#directory").get_by_role("link", name="Jonah Whitfield")).to_be_visible()
    expect(
        member.locator("#directory").get_by_role("link", name="Tracy Adeyemi-Clarke")
    ).to_have_count(0)
