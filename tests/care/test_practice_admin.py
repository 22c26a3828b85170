"""The practice admin manages the practice's therapists (profiles, pausing bookings) and
sees their schedules; the therapist keeps their own profile up to date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from rapport.care import services
from rapport.care.models import Therapist
from tests.api import bearer, send

from ..conftest import client_for
from .conftest import next_slot, staff_client

pytestmark = pytest.mark.django_db


def _profile(**changes):  # type: ignore[no-untyped-def]
    data = {
        "display_name": "Tracy Okonkwo-Hale",
        "pronouns": "she/her",
        "photo_url": "https://photos.example/tracy.jpg",
        "credentials": "MSc, accredited",
        "bio": "I work with people whose workplace wore them down.",
        "specialties": ["toxic_workplace", "return_to_work"],
        "languages": ["en", "yo"],
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_practice_admin_edits_a_profile_and_members_see_it(care, member, member_client):
    client = staff_client(care.practice_admin)
    url = reverse("care:therapist_profile", args=[care.therapist.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Taking new bookings" in page.content
    assert b"Profile" in client.get(reverse("care:practice_admin")).content
    saved = client.post(url, _profile())
    assert saved.status_code == 302
    care.therapist.refresh_from_db()
    assert care.therapist.specialty_codes == ["return_to_work", "toxic_workplace"]
    assert care.therapist.language_codes == ["en", "yo"]
    found = member_client.get(reverse("care:home"), {"specialty": "return_to_work"})
    assert b"Tracy Okonkwo-Hale" in found.content
    detail = member_client.get(reverse("care:therapist", args=[care.therapist.pk]))
    assert b"whose workplace wore them down" in detail.content


def test_bad_profiles_are_refused_with_a_message_and_nothing_is_saved(care):
    client = staff_client(care.therapist.user)  # therapists edit their own profile too
    url = reverse("care:therapist_profile", args=[care.therapist.pk])
    for bad in (
        _profile(display_name="   "),
        _profile(languages=None),
        _profile(specialties=["astrology"]),
        _profile(photo_url="not a link at all"),
        _profile(bio="x" * 3001),
    ):
        response = client.post(url, bad)
        assert response.status_code == 422, bad
        assert b'class="error"' in response.content or b"form-errors" in response.content
    fresh = Therapist.objects.get(pk=care.therapist.pk)
    assert fresh.display_name == "Tracy Okonkwo-Hale" and fresh.bio == care.therapist.bio


def test_pausing_a_therapist_stops_new_bookings_but_keeps_the_ones_there_are(
    care, member, member_client
):
    slot = next_slot(care.therapist, care.session)
    booking = services.booking_create(
        client=member, therapist=care.therapist, session_type=care.session, starts_at=slot.start
    )
    client = staff_client(care.practice_admin)
    url = reverse("care:therapist_profile", args=[care.therapist.pk])
    assert client.post(url, _profile(is_active=None)).status_code == 302
    assert not Therapist.objects.get(pk=care.therapist.pk).is_active
    directory = member_client.get(reverse("care:home"), headers={"HX-Request": "true"})
    assert directory.status_code == 200 and b"Tracy Okonkwo-Hale" not in directory.content
    assert member_client.get(reverse("care:therapist", args=[care.therapist.pk])).status_code == 404
    # Her existing appointment stays hers and the member's; she still works her schedule.
    tracy = staff_client(care.therapist.user)
    assert tracy.get(reverse("care:schedule")).status_code == 200
    assert tracy.get(reverse("care:session", args=[booking.pk])).status_code == 200
    assert member_client.get(reverse("care:booking", args=[booking.pk])).status_code == 200
    # Resumed, she can be found again.
    assert client.post(url, _profile()).status_code == 302
    directory = member_client.get(reverse("care:home"), headers={"HX-Request": "true"})
    assert b"Tracy Okonkwo-Hale" in directory.content


def test_the_profile_api_for_the_practice_admin_and_the_therapist(care, client):
    path = f"/api/v1/care/practice/therapists/{care.therapist.pk}/profile"
    for user in (care.practice_admin, care.therapist.user):
        from rapport.accounts.tokens import token_create

        _, secret = token_create(user=user, name="api")
        headers = {"Authorization": f"Bearer {secret}"}
        read = client.get(path, headers=headers)
        assert read.status_code == 200, read.content
        assert read.json()["therapist_id"] == care.therapist.pk
        body = {
            "display_name": "Tracy O.",
            "bio": "Hello",
            "specialties": ["burnout"],
            "languages": ["en"],
            "is_active": False,
        }
        updated = client.put(path, body, content_type="application/json", headers=headers)
        assert updated.status_code == 200, updated.content
        assert updated.json()["is_active"] is False
        assert updated.json()["specialties"] == ["burnout"]
        bad = client.put(
            path,
            {**body, "languages": [], "specialties": ["astrology"]},
            content_type="application/json",
            headers=headers,
        )
        assert bad.status_code == 422
    assert Therapist.objects.get(pk=care.therapist.pk).display_name == "Tracy O."
    other = f"/api/v1/care/practice/therapists/{care.other_therapist.pk}/profile"
    _, secret = token_create(user=care.practice_admin, name="other")
    assert client.get(other, headers={"Authorization": f"Bearer {secret}"}).status_code == 404


def test_a_member_cannot_reach_profile_management(care, member, client):
    page = client_for(member).get(reverse("care:therapist_profile", args=[care.therapist.pk]))
    assert page.status_code == 404
    path = f"/care/practice/therapists/{care.therapist.pk}/profile"
    assert send(client, "get", path, headers=bearer(member)).status_code == 404
    assert send(client, "put", path, {"display_name": "x", "languages": ["en"]}).status_code in (
        401,
        403,
    )


def test_the_therapist_schedule_is_a_calendar_by_day_in_their_own_time_zone(care, member):
    from zoneinfo import ZoneInfo

    from django.utils.formats import date_format

    first = next_slot(care.therapist, care.session)
    second = next_slot(care.therapist, care.session, after=first.start + timedelta(days=1))
    for slot in (first, second):
        services.booking_create(
            client=member, therapist=care.therapist, session_type=care.session, starts_at=slot.start
        )
    page = staff_client(care.therapist.user).get(reverse("care:schedule")).content.decode()
    tz = ZoneInfo(care.therapist.time_zone)
    for slot in (first, second):
        local = slot.start.astimezone(tz)
        assert f">{date_format(local, 'l j F Y')}</h2>" in page
        assert date_format(local, "H:i") in page
    assert page.count('<h2 id="day-') == 2
    # The practice admin sees the same days, without names.
    admin = staff_client(care.practice_admin).get(
        reverse("care:practice_schedule", args=[care.therapist.pk])
    )
    assert member.display_name not in admin.content.decode()
