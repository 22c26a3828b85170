"""The roadblock pages through HTTP: writing one, the opener, the invitation (and what the
invited person sees), the outcome; and that nobody but the author reaches any of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from rapport.people.models import Person
from rapport.roadblocks import services
from rapport.roadblocks.models import InvitationStatus, Outcome, Roadblock, TalkInvitation
from tests.conftest import client_for
from tests.factories import MembershipFactory, PersonFactory

from .factories import RoadblockFactory, TalkInvitationFactory

pytestmark = pytest.mark.django_db

FORM = {
    "situation": "",
    "what_happened": "You never reply to my messages about the launch.",
    "how_i_felt": "ignored",
    "what_i_need": "an answer within a day or two",
    "what_i_will_ask": "agree on how we reach each other",
    "remind_after_days": "3",
}


@pytest.fixture
def sam(org, team):
    person = PersonFactory(organization=org, display_name="Sam Okafor")
    MembershipFactory(person=person, team=team)
    return person


@pytest.fixture
def roadblock(member, sam):
    return services.roadblock_create(
        author=member,
        person=sam,
        what_happened="The private fact only Mia knows.",
        how_i_felt="Stung",
        what_i_need="Honesty",
        what_i_will_ask="talk on Friday",
    )


def test_the_home_page_invites_a_first_note(member_client):
    response = member_client.get(reverse("roadblocks:home"))
    assert response.status_code == 200
    assert b"Nothing noted yet" in response.content
    assert b"Note a roadblock" in response.content


def test_writing_a_roadblock_leads_to_its_opener(member_client, member, sam):
    response = member_client.post(reverse("roadblocks:new"), {**FORM, "person": sam.pk})
    roadblock = Roadblock.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("roadblocks:detail", args=[roadblock.pk])
    page = member_client.get(response["Location"]).content.decode()
    assert "Hi Sam, I noticed you never reply to my messages about the launch." in page
    assert 'hx-post="/tone/check/"' in page and "from:#id_opener" in page
    assert roadblock.author == member and roadblock.remind_after_days == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"how_i_felt": ""}, "This field is required"),
        ({"what_happened": "x" * 2001}, "at most 2000 characters"),
        ({"person": ""}, "describe the situation"),
        ({"remind_after_days": "30"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(member_client, sam, change, message):
    response = member_client.post(reverse("roadblocks:new"), {**FORM, "person": sam.pk, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Roadblock.objects.exists()


def test_you_cannot_note_a_roadblock_with_yourself_someone_who_left_or_an_outsider(
    member_client, member, org, outsider
):
    gone = PersonFactory(organization=org, status=Person.Status.LEFT)
    for person in (member, gone, outsider):
        response = member_client.post(reverse("roadblocks:new"), {**FORM, "person": person.pk})
        assert "Select a valid choice" in response.content.decode()
    assert not Roadblock.objects.exists()


def test_nobody_else_reaches_a_roadblock_not_even_an_org_admin(roadblock, sam, admin, lead):
    routes = ["detail", "edit", "opener", "invite", "outcome", "delete"]
    for person in (sam, admin, lead):
        client = client_for(person)
        for name in routes:
            url = reverse(f"roadblocks:{name}", args=[roadblock.pk])
            response = client.post(url) if name not in ("detail", "edit") else client.get(url)
            assert response.status_code == 404, (person, name)
            assert b"private fact" not in response.content
        assert b"private fact" not in client.get(reverse("roadblocks:home")).content
    assert Roadblock.objects.filter(pk=roadblock.pk, outcome="").exists()


def test_the_opener_is_saved_as_edited_or_suggested_again(member_client, roadblock):
    url = reverse("roadblocks:opener", args=[roadblock.pk])
    response = member_client.post(url, {"action": "save", "opener": "Could we talk on Friday?"})
    assert response.status_code == 302
    roadblock.refresh_from_db()
    assert roadblock.opener == "Could we talk on Friday?"
    again = member_client.post(url, {"action": "suggest"}).content.decode()
    assert "Hi Sam, I noticed the private fact only Mia knows." in again
    roadblock.refresh_from_db()
    assert roadblock.opener == "Could we talk on Friday?"  # a suggestion is not saved
    empty = member_client.post(url, {"action": "save", "opener": ""})
    assert empty.status_code == 422 and b"This field is required" in empty.content


def test_the_invited_person_sees_the_invitation_and_never_the_roadblock(
    member_client, roadblock, sam
):
    response = member_client.post(
        reverse("roadblocks:invite", args=[roadblock.pk]),
        {"message": "Could we grab a coffee on Friday?"},
    )
    assert response.status_code == 302
    invitation = TalkInvitation.objects.get()
    sam_client = client_for(sam)
    page = sam_client.get(reverse("roadblocks:invitation", args=[invitation.pk])).content.decode()
    assert "Mia Member would like to talk with you" in page
    assert "Could we grab a coffee on Friday?" in page
    for private in ("private fact", "Stung", "Honesty", f"/roadblocks/{roadblock.pk}/"):
        assert private not in page
    home = sam_client.get(reverse("roadblocks:home")).content.decode()
    assert "Colleagues who would like to talk with you" in home and "private fact" not in home
    assert "Mia Member" in sam_client.get(reverse("roadblocks:invitations")).content.decode()


def test_the_invited_person_answers_and_the_author_sees_the_answer(
    member_client, roadblock, sam, member
):
    invitation = services.roadblock_invite(roadblock=roadblock, message="Talk on Friday?")
    sam_client = client_for(sam)
    url = reverse("roadblocks:invitation", args=[invitation.pk])
    refused = sam_client.post(url, {"status": "proposed", "proposed_time": ""})
    assert refused.status_code == 422 and b"Say when you would like to talk" in refused.content
    when = (timezone.now() + timedelta(days=2)).astimezone(sam.tz)
    response = sam_client.post(
        url,
        {"status": "proposed", "proposed_time": when.strftime("%Y-%m-%dT%H:%M"), "note": "Sure"},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PROPOSED
    assert invitation.proposed_time == when.replace(second=0, microsecond=0)
    page = member_client.get(reverse("roadblocks:detail", args=[roadblock.pk])).content.decode()
    assert "They proposed" in page and "Sure" in page
    # Only the recipient reaches the invitation page: not the sender, not an admin.
    assert member_client.get(url).status_code == 404


def test_recording_a_talk_adds_to_the_ledger_and_need_help_links_to_guides_and_care(
    member_client, roadblock, member, sam
):
    url = reverse("roadblocks:outcome", args=[roadblock.pk])
    assert member_client.post(url, {"outcome": "maybe"}).status_code == 422
    response = member_client.post(url, {"outcome": Outcome.TALKED_RESOLVED}, follow=True)
    assert b"Good to hear you talked it through" in response.content
    assert Interaction.objects.filter(actor=member, other=sam, kind=Kind.TALKED).count() == 1
    page = member_client.post(url, {"outcome": Outcome.NEED_HELP}, follow=True).content.decode()
    assert "/soon/guides/" in page or "/guides/" in page
    assert "/soon/care/" in page or "/care/" in page


def test_the_author_can_edit_and_delete(member_client, roadblock, sam):
    url = reverse("roadblocks:edit", args=[roadblock.pk])
    assert member_client.get(url).status_code == 200
    response = member_client.post(url, {**FORM, "person": sam.pk, "remind_after_days": "7"})
    assert response.status_code == 302
    roadblock.refresh_from_db()
    assert roadblock.remind_after_days == 7 and roadblock.how_i_felt == "ignored"
    member_client.post(reverse("roadblocks:delete", args=[roadblock.pk]))
    assert not Roadblock.objects.exists()


def test_lists_take_a_constant_number_of_queries(
    member, member_client, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            invitation = TalkInvitationFactory(roadblock__author__organization=member.organization,
                                               recipient=member)  # fmt: skip
            RoadblockFactory(author=member, person=invitation.sender)

    def queries(url):
        with django_assert_max_num_queries(50) as captured:
            assert member_client.get(url).status_code == 200
        return len(captured.captured_queries)

    add(2)
    few = {
        url: queries(url) for url in (reverse("roadblocks:home"), reverse("roadblocks:invitations"))
    }
    add(12)
    for url, count in few.items():
        assert queries(url) == count, url
