"""Care is sealed: a booking is its client's and their therapist's, nobody else's.

Every care route and API operation is walked as each other role (team lead, org admin,
another member, another practice's therapist, the practice admin where they have no
business, an outsider) and must answer 404; nothing of a booking reaches the audit log,
the ledger, the privacy log, exports or anyone else's notifications.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rapport.api.api import operations
from rapport.audit.models import AuditEvent
from rapport.audit.services import SealedDataError, audit_record
from rapport.care import services
from rapport.care.models import DateException, IntroRequest
from rapport.ledger.models import Interaction
from rapport.notifications.models import Notification
from rapport.privacy.models import Release
from tests.api import bearer
from tests.factories import MembershipFactory, PersonFactory

from ..conftest import client_for
from .conftest import next_slot, staff_client
from .tenancy import API_OPERATIONS

pytestmark = pytest.mark.django_db

SECRETS = ("SECRET-INTAKE-words", "SECRET-NOTE-words", "private-line-0770")


@pytest.fixture
def sealed(care, member, org, team):
    slot = next_slot(care.therapist, care.session)
    booking = services.booking_create(
        client=member,
        therapist=care.therapist,
        session_type=care.session,
        starts_at=slot.start,
        intake_reason="SECRET-INTAKE-words",
        intake_contact="private-line-0770",
    )
    services.session_note_save(therapist=care.therapist, booking=booking, text="SECRET-NOTE-words")
    other_member = PersonFactory(organization=org, display_name="Oscar Other")
    MembershipFactory(person=other_member, team=team)
    exception = DateException.objects.create(therapist=care.therapist, day=slot.start.date())
    intro = IntroRequest.objects.create(
        practice=care.practice, name="Pat Public", email="pat@example.com"
    )
    return {
        "booking": booking,
        "other_member": other_member,
        "exception": exception,
        "intro": intro,
    }


def _clients(care, lead, admin, sealed, outsider) -> dict[str, Client]:
    return {
        "team lead": client_for(lead),
        "org admin": client_for(admin),
        "another member": client_for(sealed["other_member"]),
        "another practice's therapist": staff_client(care.other_therapist.user),
        "outsider": client_for(outsider),
    }


def _routes(care, sealed) -> dict[str, dict[str, Any]]:
    b = sealed["booking"].pk
    t = care.therapist.pk
    return {
        "care:booking": {"pk": b},
        "care:booking_reschedule": {"pk": b},
        "care:booking_cancel": {"pk": b},
        "care:booking_ics": {"pk": b},
        "care:session": {"pk": b},
        "care:session_note": {"pk": b},
        "care:session_outcome": {"pk": b},
        "care:session_cancel": {"pk": b},
        "care:availability": {"pk": t},
        "care:therapist_profile": {"pk": t},
        "care:hours_add": {"pk": t},
        "care:hours_delete": {"pk": t, "hours_pk": care.therapist.weekly_hours.first().pk},
        "care:exception_add": {"pk": t},
        "care:exception_delete": {"pk": t, "exception_pk": sealed["exception"].pk},
        "care:practice_schedule": {"pk": t},
        "care:intro_request_handle": {"pk": sealed["intro"].pk},
        # Pages of the therapist's and the practice's own side.
        "care:schedule": {},
        "care:practice_admin": {},
        "care:intro_requests": {},
    }


def test_every_other_role_gets_404_for_every_care_object_and_staff_page(
    care, member, lead, admin, sealed, outsider
):
    checked = 0
    for role, client in _clients(care, lead, admin, sealed, outsider).items():
        for name, kwargs in _routes(care, sealed).items():
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                own_page = not kwargs and role == "another practice's therapist"
                allowed = (200, 404, 405) if own_page else (404, 405)
                assert response.status_code in allowed, f"{role}: {method} {url}"
                body = response.content.decode()
                assert not any(secret in body for secret in SECRETS), f"{role}: {url}"
                checked += 1
    assert checked == 5 * len(_routes(care, sealed)) * 2
    # Nothing was changed by all that knocking.
    sealed["booking"].refresh_from_db()
    assert sealed["booking"].status == "confirmed"
    assert care.therapist.weekly_hours.count() == 7


def test_the_practice_admin_sees_the_schedule_but_never_intake_notes_or_who(care, member, sealed):
    client = staff_client(care.practice_admin)
    booking = sealed["booking"]
    for name in ("care:session", "care:session_note", "care:session_outcome"):
        assert client.get(reverse(name, args=[booking.pk])).status_code in (404, 405)
        assert client.post(reverse(name, args=[booking.pk])).status_code in (404, 405)
    schedule = client.get(reverse("care:practice_schedule", args=[care.therapist.pk]))
    assert schedule.status_code == 200
    body = schedule.content.decode()
    assert "Session" in body
    assert member.display_name not in body
    assert not any(secret in body for secret in SECRETS)
    # The member side is not theirs either.
    assert client.get(reverse("care:booking", args=[booking.pk])).status_code == 404
    assert client.get(reverse("care:home")).status_code == 404


def test_the_therapist_sees_their_session_but_not_the_member_side(care, member, sealed):
    client = staff_client(care.therapist.user)
    booking = sealed["booking"]
    page = client.get(reverse("care:session", args=[booking.pk])).content.decode()
    assert "SECRET-INTAKE-words" in page and "SECRET-NOTE-words" in page
    assert client.get(reverse("care:booking", args=[booking.pk])).status_code == 404
    assert client.get(reverse("care:therapist", args=[care.therapist.pk])).status_code == 404


def test_employer_side_pages_show_no_care_data(care, member, lead, admin, sealed):
    for person in (lead, admin):
        client = client_for(person)
        for url in (
            reverse("care:home"),
            reverse("care:bookings"),
            reverse("care:usage"),
            reverse("audit:log"),
            reverse("people:detail", args=[member.pk]),
            reverse("notifications:inbox"),
            reverse("today"),
        ):
            response = client.get(url)
            assert response.status_code in (200, 403, 404), url
            body = response.content.decode()
            assert not any(secret in body for secret in SECRETS), url
            assert "Tracy" not in body or url == reverse("care:home"), url


def test_care_never_reaches_the_audit_log_the_ledger_or_anyone_elses_notifications(
    care, member, lead, admin, sealed
):
    booking = sealed["booking"]
    services.booking_cancel(booking=booking)
    assert AuditEvent.objects.filter(organization=member.organization).count() == 0
    assert Interaction.objects.count() == 0
    assert Release.objects.count() == 0
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {member.pk}
    with pytest.raises(SealedDataError):
        audit_record(
            organization=member.organization, actor=admin, action="role_changed", target=booking
        )


def test_every_care_api_operation_answers_404_to_every_other_role(
    care, member, lead, admin, sealed, outsider
):
    parameters = {
        "therapist_id": care.therapist.pk,
        "booking_id": sealed["booking"].pk,
        "session_id": sealed["booking"].pk,
        "exception_id": sealed["exception"].pk,
    }
    # Operations whose object is private to the member or to Tracy's practice.
    private_ops = [
        op
        for op in operations()
        if (
            op.operation_id.startswith("care_")
            and re.search(r"{(booking_id|session_id|exception_id)}", op.path)
        )
        or op.operation_id
        in {
            "care_availability_read",
            "care_availability_update",
            "care_exception_create",
            "care_practice_schedule_list",
            "care_therapist_profile_read",
            "care_therapist_profile_update",
        }
    ]
    assert len(private_ops) >= 13
    roles = {
        "team lead": lead.user,
        "org admin": admin.user,
        "another member": sealed["other_member"].user,
        "another practice's therapist": care.other_therapist.user,
        "outsider": outsider.user,
    }
    client = Client()
    for role, user in roles.items():
        from rapport.accounts.tokens import token_create

        _, secret = token_create(user=user, name="walk")
        headers = {"Authorization": f"Bearer {secret}"}
        for op in private_ops:
            path = op.path
            for name in re.findall(r"{(\w+)}", op.path):
                path = path.replace("{" + name + "}", str(parameters[name]))
            body = API_OPERATIONS[op.operation_id]
            response = client.generic(
                op.method,
                path,
                data=json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers=headers,
            )
            text = response.content.decode()
            # Non-persons get 403 "no organisation" from the member API's authentication:
            # it says nothing about the object either.
            expected = (404, 403) if role == "another practice's therapist" else (404,)
            assert response.status_code in expected, f"{role}: {op.method} {path}: {text}"
            assert not any(secret in text for secret in SECRETS)
    sealed["booking"].refresh_from_db()
    assert sealed["booking"].status == "confirmed"


def test_an_outsider_walks_every_care_api_operation(care, member, sealed, outsider):
    """The general outsider walk (tests/tenancy), for Care's operations alone."""
    from .tenancy import API_REFUSED

    parameters = {
        "therapist_id": care.therapist.pk,
        "booking_id": sealed["booking"].pk,
        "session_id": sealed["booking"].pk,
        "exception_id": sealed["exception"].pk,
    }
    client = Client()
    headers = bearer(outsider)
    care_ops = [op for op in operations() if op.operation_id.startswith("care_")]
    assert {op.operation_id for op in care_ops} == set(API_OPERATIONS)
    for op in care_ops:
        params = re.findall(r"{(\w+)}", op.path)
        path = op.path
        for name in params:
            path = path.replace("{" + name + "}", str(parameters[name]))
        body = API_OPERATIONS[op.operation_id]
        response = client.generic(
            op.method,
            path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=headers,
        )
        text = response.content.decode()
        if params:
            assert response.status_code == 404, f"{op.method} {path}: {text}"
        elif op.operation_id in API_REFUSED:
            assert response.status_code == API_REFUSED[op.operation_id], text
        else:
            assert response.status_code < 400, f"{op.method} {path}: {text}"
        assert not any(secret in text for secret in SECRETS)
        assert member.display_name not in text
