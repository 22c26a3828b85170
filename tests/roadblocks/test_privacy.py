"""Nothing of a roadblock leaves its author: one sweep over everything a colleague, a team
lead and an org admin can open (pages, the API, their data export, the audit log, their
notifications and emails), after the author has written a roadblock, saved an opener,
invited the other person, been reminded and recorded the talk.

The invited person sees the invitation's own words and nothing else; the ledger gets one
TALKED interaction. Every other trace is checked for the author's private words.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.notifications.emails import notification_email
from rapport.notifications.models import Notification
from rapport.roadblocks import services
from rapport.roadblocks.models import Outcome, Roadblock, TalkInvitation
from tests.api import API, bearer
from tests.conftest import client_for
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

#: Words only the author ever wrote in their notes and opener.
SECRETS = (
    "Quillfeather",  # what happened
    "Humiliated-Zeta",  # how I felt
    "Need-Orchid",  # what I need
    "Ask-Marigold",  # what I will ask
    "Opener-Tangerine",  # the saved opener
)
#: The invitation: the one text the other person is meant to see.
INVITATION = "Could we find twenty minutes this week to talk about the launch?"


@pytest.fixture
def sam(org, team):
    person = PersonFactory(organization=org, display_name="Sam Okafor")
    MembershipFactory(person=person, team=team)
    return person


@pytest.fixture
def story(member, sam, lead, admin, django_capture_on_commit_callbacks):
    """The author's whole roadblock, from the first note to the talk, through the API."""
    author = Client(headers=bearer(member))
    with django_capture_on_commit_callbacks(execute=True):
        made = author.post(
            f"{API}/roadblocks",
            {
                "person_id": sam.pk,
                "what_happened": "In the Quillfeather review you cut me off twice.",
                "how_i_felt": "Humiliated-Zeta",
                "what_i_need": "Need-Orchid: to finish my sentences",
                "what_i_will_ask": "Ask-Marigold: a signal when time is short",
            },
            content_type="application/json",
        )
        assert made.status_code == 201, made.content
        pk = made.json()["id"]
        opener = author.patch(
            f"{API}/roadblocks/{pk}",
            {"opener": "Opener-Tangerine: I noticed the review ran short."},
            content_type="application/json",
        )
        assert opener.status_code == 200
        invited = author.post(
            f"{API}/roadblocks/{pk}/invitation",
            {"message": INVITATION},
            content_type="application/json",
        )
        assert invited.status_code == 201, invited.content
        assert services.roadblock_reminders_send(now=timezone.now() + timedelta(days=5)) == 1
        answered = Client(headers=bearer(sam)).post(
            f"{API}/talk-invitations/{invited.json()['id']}/response",
            {"status": "accepted", "note": "Sure, Thursday works"},
            content_type="application/json",
        )
        assert answered.status_code == 200
        talked = author.post(
            f"{API}/roadblocks/{pk}/outcome",
            {"outcome": Outcome.TALKED_RESOLVED},
            content_type="application/json",
        )
        assert talked.status_code == 200
    return Roadblock.objects.get(pk=pk)


def assert_private(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked in {where}"


def pages_for(roadblock: Roadblock, author_id: int) -> list[str]:
    invitation = TalkInvitation.objects.get(roadblock=roadblock)
    return [
        reverse("today"),
        reverse("roadblocks:home"),
        reverse("roadblocks:invitations"),
        reverse("roadblocks:invitation", args=[invitation.pk]),
        reverse("notifications:inbox"),
        reverse("people:detail", args=[author_id]),
        reverse("people:directory"),
        reverse("audit:log"),
    ]


API_PATHS = [
    "/roadblocks",
    "/talk-invitations",
    "/notifications",
    "/me/export",
    "/audit/events",
]


@pytest.mark.parametrize("who", ["the other person", "a team lead", "an org admin"])
def test_nobody_but_the_author_ever_sees_a_word_of_it(story, member, sam, lead, admin, who):
    viewer = {"the other person": sam, "a team lead": lead, "an org admin": admin}[who]
    client = client_for(viewer)
    # The roadblock itself: not found, whoever asks.
    for name in ("detail", "edit"):
        response = client.get(reverse(f"roadblocks:{name}", args=[story.pk]))
        assert response.status_code == 404
        assert_private(response.content.decode(), f"{name} for {who}")
    api = Client(headers=bearer(viewer))
    read = api.get(f"{API}/roadblocks/{story.pk}")
    assert read.status_code == 404
    # Everything else they can open: no private word anywhere.
    for url in pages_for(story, member.pk):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), f"{url}: {response.status_code}"
        assert_private(response.content.decode(), f"{url} for {who}")
    for path in API_PATHS:
        response = api.get(f"{API}{path}")
        assert response.status_code < 500
        assert_private(response.content.decode(), f"{path} for {who}")
    assert not api.get(f"{API}/roadblocks").json()["items"]
    export = client.post(reverse("people:export"))
    assert export.status_code == 200
    assert_private(export.content.decode(), f"the data export of {who}")
    audit_export = client.post(reverse("audit:export"))
    assert audit_export.status_code == (200 if viewer.is_org_admin else 403)
    assert_private(audit_export.content.decode(), f"the audit export for {who}")
    for notification in Notification.objects.filter(recipient=viewer):
        assert_private(f"{notification.title} {notification.body}", f"notification of {who}")


def test_the_other_person_sees_the_invitation_and_only_that(story, member, sam):
    invitation = TalkInvitation.objects.get(roadblock=story)
    page = client_for(sam).get(reverse("roadblocks:invitation", args=[invitation.pk]))
    assert INVITATION in page.content.decode()
    body = Client(headers=bearer(sam)).get(f"{API}/talk-invitations/{invitation.pk}").json()
    assert body["message"] == INVITATION
    assert set(body) == {
        "id",
        "sender",
        "message",
        "status",
        "proposed_time",
        "note",
        "created_at",
        "responded_at",
    }
    # They heard about the invitation, and about nothing that happened after it.
    theirs = Notification.objects.filter(recipient=sam)
    assert [n.type for n in theirs] == ["talk_invitation"]
    assert theirs.get().body == ""


def test_the_audit_log_emails_and_the_database_hold_no_private_word(story, member, sam):
    # Signing in with API tokens is audited; nothing about the roadblock is.
    for event in AuditEvent.objects.all():
        assert event.target_type != "roadblocks.roadblock"
        assert_private(f"{event.action} {event.target_label} {event.details}", "the audit log")
    # The emails that would go out for everyone else's notifications (the worker sends
    # exactly these).
    others = Notification.objects.exclude(recipient=member).select_related("recipient")
    assert others.filter(recipient=sam).exists()
    for notification in others:
        message = notification_email(notification)
        text = " ".join([message.subject, message.body, *(a[0] for a in message.alternatives)])
        assert_private(text, f"the email to {notification.recipient}")
    # At rest, the text columns hold ciphertext only.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT what_happened, how_i_felt, what_i_need, what_i_will_ask, opener "
            "FROM roadblocks_roadblock WHERE id = %s",
            [story.pk],
        )
        stored = " ".join(cursor.fetchone())
        cursor.execute("SELECT message FROM roadblocks_talkinvitation")
        invitation_stored = cursor.fetchone()[0]
    assert_private(stored, "the roadblocks table")
    assert "twenty minutes" not in invitation_stored


def test_the_ledger_gets_one_talked_interaction_and_nothing_else_leaves(story, member, sam):
    [interaction] = Interaction.objects.all()
    assert (interaction.actor_id, interaction.other_id, interaction.kind) == (
        member.pk,
        sam.pk,
        Kind.TALKED,
    )
    # The author's own export has it all, decrypted.
    export = client_for(member).post(reverse("people:export")).content.decode()
    for secret in SECRETS:
        assert secret in export
