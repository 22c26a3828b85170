"""Data rights: download everything about me; an org admin erases a person who left."""

import json

import pytest
from django.urls import reverse

from rapport.accounts.models import PersonalAccessToken
from rapport.accounts.tokens import token_create
from rapport.audit.models import AuditEvent
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.ledger.selectors import org_ties
from rapport.ledger.services import interaction_record
from rapport.notifications.models import Notification
from rapport.notifications.services import notify
from rapport.people.models import Person

from ..api import bearer, send
from ..conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(org, team, member, admin):
    """Lena, who left, with a history: thanks given, an inbox, a token, audit events."""
    person = Person.objects.create(
        user=type(member.user).objects.create_user("lena@acme.example", "pw-Lena-long-1"),
        organization=org,
        display_name="Lena Leaver",
        title="Analyst",
    )
    interaction_record(actor=person, other=member, kind=Kind.KUDOS)
    interaction_record(actor=member, other=person, kind=Kind.HELPED)
    notify(recipient=person, type="system", title="Welcome Lena")
    token_create(user=person.user, name="lena's script")
    person.status = Person.Status.LEFT
    person.save()
    return person


def test_i_download_everything_rapport_holds_about_me(leaver):
    leaver.status = Person.Status.ACTIVE
    leaver.save()
    response = client_for(leaver).post(reverse("people:export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "lena@acme.example"
    assert [i["what"] for i in data["interactions"]] == ["Thanked", "Helped"]
    assert data["notifications"]["inbox"][0]["title"] == "Welcome Lena"
    assert data["sign_in"]["api_tokens"][0]["name"] == "lena's script"
    assert "secret" not in response.content.decode().lower()
    assert AuditEvent.objects.filter(action="data_exported", actor=leaver).count() == 1


def test_the_export_through_the_api_matches(client, member):
    response = send(client, "GET", "/me/export", headers=bearer(member))
    assert response.status_code == 200
    assert response.json()["profile"]["name"] == "Mia Member"


def test_an_org_admin_erases_a_person_who_left(org_admin_client, leaver, member, admin):
    interactions_before = Interaction.objects.count()
    ties_before = org_ties(organization=leaver.organization)
    response = org_admin_client.post(
        reverse("people:erase", args=[leaver.pk]), {"confirm": "yes"}, follow=True
    )
    assert "erased" in response.content.decode()
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert leaver.display_name == "Erased person" and leaver.title == ""
    assert "lena" not in leaver.user.email and not leaver.user.is_active
    assert not leaver.user.has_usable_password()
    # Nothing of theirs reachable by id: not their page, not for the admin, not by API.
    assert org_admin_client.get(reverse("people:detail", args=[leaver.pk])).status_code == 404
    assert send(org_admin_client, "GET", f"/people/{leaver.pk}").status_code == 404
    assert not Notification.objects.filter(recipient=leaver).exists()
    assert not PersonalAccessToken.objects.filter(user=leaver.user).exists()
    # Aggregates keep their history.
    assert Interaction.objects.count() == interactions_before
    assert [t.strength for t in org_ties(organization=leaver.organization)] == pytest.approx(
        [t.strength for t in ties_before], rel=1e-3
    )
    # The log says it happened, without saying who.
    assert AuditEvent.objects.filter(action="person_erased", actor=admin).exists()
    for event in AuditEvent.objects.all():
        assert "Lena" not in f"{event.actor_label} {event.target_label}"


def test_an_erased_person_can_no_longer_sign_in(client, leaver, admin):
    from rapport.people.data_rights import person_data_erase

    person_data_erase(actor=admin, person=leaver)
    response = client.post(
        reverse("account_login"), {"login": "lena@acme.example", "password": "pw-Lena-long-1"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_only_people_who_left_can_be_erased(org_admin_client, member):
    response = org_admin_client.post(
        reverse("people:erase", args=[member.pk]), {"confirm": "yes"}, follow=True
    )
    assert "mark them as left first" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Mia Member" and member.erased_at is None


def test_erasing_needs_the_confirmation_box(org_admin_client, leaver):
    response = org_admin_client.post(reverse("people:erase", args=[leaver.pk]), {}, follow=True)
    assert "confirm" in response.content.decode()
    leaver.refresh_from_db()
    assert leaver.erased_at is None


def test_members_cannot_erase_anyone(member_client, client, member, leaver):
    assert (
        member_client.post(
            reverse("people:erase", args=[leaver.pk]), {"confirm": "yes"}
        ).status_code
        == 403
    )
    response = send(client, "POST", f"/people/{leaver.pk}/erase", headers=bearer(member))
    assert response.status_code == 403
    leaver.refresh_from_db()
    assert leaver.erased_at is None


def test_erasing_through_the_api_and_twice_is_refused_clearly(client, admin, leaver):
    headers = bearer(admin)
    assert send(client, "POST", f"/people/{leaver.pk}/erase", headers=headers).status_code == 204
    second = send(client, "POST", f"/people/{leaver.pk}/erase", headers=headers)
    assert second.status_code == 404  # an erased person is gone from every lookup
