"""Sensitive actions in the people and accounts apps write their audit events."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rapport.accounts import services as account_services
from rapport.accounts import tokens
from rapport.audit.models import AuditEvent
from rapport.people import roster

pytestmark = pytest.mark.django_db


def test_a_role_change_through_the_members_page_is_logged(org_admin_client, admin, member, team):
    org_admin_client.post(
        reverse("people:admin_member_roles", args=[member.pk]),
        {"is_org_admin": "on", "lead_team": [str(team.pk)]},
    )
    event = AuditEvent.objects.get(action="role_changed")
    assert (event.actor, event.target_type, event.target_id) == (admin, "person", member.pk)
    assert event.details["org_admin"] is True
    assert event.details["changed_team_ids"] == [team.pk]


def test_saving_unchanged_roles_logs_nothing(org_admin_client, member):
    org_admin_client.post(reverse("people:admin_member_roles", args=[member.pk]), {})
    assert not AuditEvent.objects.exists()


def test_sending_and_accepting_an_invitation_are_logged(org_admin_client, admin):
    org_admin_client.post(
        reverse("accounts:invite"), {"display_name": "Nia New", "email": "nia@example.com"}
    )
    sent = AuditEvent.objects.get(action="invitation_sent")
    assert (sent.actor, sent.target_label) == (admin, "Nia New")
    assert "nia@example.com" not in str(sent.details)

    from rapport.accounts.models import Invitation

    account_services.invitation_accept(
        invitation=Invitation.objects.get(), password="a long and unusual passphrase"
    )
    accepted = AuditEvent.objects.get(action="invitation_accepted")
    assert (accepted.actor_label, accepted.target_id) == ("Nia New", sent.target_id)


def test_making_and_revoking_a_token_are_logged_without_its_name(member):
    token, _secret = tokens.token_create(user=member.user, name="Mia's home laptop")
    tokens.token_revoke(token=token)
    tokens.token_revoke(token=token)  # a second revoke changes nothing and logs nothing
    events = AuditEvent.objects.order_by("id")
    assert [(e.action, e.actor, e.target_type, e.target_id) for e in events] == [
        ("token_created", member, "token", token.pk),
        ("token_revoked", member, "token", token.pk),
    ]
    assert all("laptop" not in e.target_label for e in events)


def test_a_roster_import_is_logged_with_counts_only(admin):
    parsed = roster.roster_parse(text="email,name\nrae@example.com,Rae Roster\n")
    result = roster.roster_apply(organization=admin.organization, parsed=parsed, actor=admin)
    assert result.applied, result.errors
    event = AuditEvent.objects.get(action="roster_imported")
    assert event.actor == admin
    assert event.details["created"] == 1
    assert "rae@example.com" not in str(event.details)


def test_a_dry_run_logs_nothing(admin):
    parsed = roster.roster_parse(text="email,name\nrae@example.com,Rae Roster\n")
    roster.roster_apply(organization=admin.organization, parsed=parsed, actor=admin, dry_run=True)
    assert not AuditEvent.objects.exists()
