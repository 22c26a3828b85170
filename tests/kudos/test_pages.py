"""The kudos pages through HTTP, as people use them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.audit.models import AuditEvent
from rapport.kudos.models import Audience, Kudos, KudosReaction, KudosReply, KudosValue
from rapport.ledger.kinds import Kind
from rapport.ledger.models import Interaction
from tests.conftest import client_for
from tests.factories import InteractionFactory, MembershipFactory, PersonFactory

from .factories import KudosFactory, KudosValueFactory

pytestmark = pytest.mark.django_db


def test_a_member_thanks_two_colleagues_with_a_value(member_client, member, teammate, designer):
    value = KudosValueFactory(organization=member.organization, name="Own it")
    response = member_client.post(
        reverse("kudos:give"),
        {
            "receivers": [teammate.pk, designer.pk],
            "message": "You both took the outage off my hands. Thank you!",
            "value": value.pk,
            "audience": "organization",
        },
        follow=True,
    )
    kudos = Kudos.objects.get()
    assert response.redirect_chain[-1][0] == reverse("kudos:detail", args=[kudos.pk])
    page = response.content.decode()
    assert "Your thanks are on their way to" in page
    assert "You both took the outage off my hands." in page
    assert "Own it" in page
    assert Interaction.objects.filter(kind=Kind.KUDOS).count() == 2
    # It shows up in the everyone feed for anyone in the organisation.
    assert "outage" in client_for(designer).get(reverse("kudos:home")).content.decode()


def test_the_give_form_has_the_message_box_the_tone_coach_attaches_to(member_client):
    page = member_client.get(reverse("kudos:give")).content.decode()
    assert 'id="id_message"' in page
    assert page.count("<h1") == 1


def test_the_give_form_is_prefilled_from_thank_them_links(member_client, teammate):
    page = member_client.get(reverse("kudos:give") + f"?to={teammate.pk}&to=x").content.decode()
    assert f'value="{teammate.pk}" selected' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": "Thanks"}, "Choose at least one person to thank."),
        ({"message": ""}, "an empty message says nothing"),
        ({"message": "x" * 501}, "Keep it to 500 characters"),
        ({"message": "Hi", "audience": "galaxy"}, "Choose who can see it."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(member_client, teammate, data, message):
    payload = {"receivers": [teammate.pk], "audience": "team", **data}
    if data.get("message") == "Thanks":
        payload.pop("receivers")
    response = member_client.post(reverse("kudos:give"), payload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Kudos.objects.exists()


def test_a_retired_value_cannot_be_chosen(member_client, member, teammate):
    value = KudosValueFactory(
        organization=member.organization, name="Old", retired_at=timezone.now()
    )
    response = member_client.post(
        reverse("kudos:give"),
        {"receivers": [teammate.pk], "message": "Hi", "audience": "team", "value": value.pk},
    )
    assert "Choose one of the values in the list." in response.content.decode()
    assert not Kudos.objects.exists()


def test_going_over_the_daily_limit_is_explained(member_client, member, teammate):
    from rapport.kudos.models import KudosSettings

    KudosSettings.objects.create(organization=member.organization, daily_limit=1)
    data = {"receivers": [teammate.pk], "message": "Thanks", "audience": "team"}
    member_client.post(reverse("kudos:give"), data)
    response = member_client.post(reverse("kudos:give"), data)
    assert "Save this one for tomorrow" in response.content.decode()
    assert Kudos.objects.count() == 1


def test_private_thanks_are_404_for_anyone_else(member, teammate, designer):
    kudos = KudosFactory(giver=member, to=[teammate], audience=Audience.PRIVATE)
    url = reverse("kudos:detail", args=[kudos.pk])
    assert client_for(teammate).get(url).status_code == 200
    assert client_for(designer).get(url).status_code == 404
    assert client_for(designer).post(reverse("kudos:react", args=[kudos.pk])).status_code == 404
    assert (
        client_for(designer)
        .post(reverse("kudos:reply", args=[kudos.pk]), {"message": "Hi"})
        .status_code
        == 404
    )


def test_the_receiver_reacts_with_htmx_and_takes_it_back(member, teammate):
    kudos = KudosFactory(giver=member, to=[teammate])
    client = client_for(teammate)
    url = reverse("kudos:react", args=[kudos.pk])
    response = client.post(url, {"kind": "celebrate"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reactions-' in html and 'aria-pressed="true"' in html
    assert "<h1" not in html  # a partial
    assert KudosReaction.objects.filter(person=teammate, kind="celebrate").exists()
    client.post(url, {"kind": "celebrate"}, HTTP_HX_REQUEST="true")
    assert not KudosReaction.objects.exists()
    # Without htmx, back to where it came from.
    response = client.post(url, {"kind": "love", "next": "/kudos/mine/"})
    assert response["Location"] == "/kudos/mine/"
    response = client.post(url, {"kind": "nope"})
    assert response.status_code == 302
    assert KudosReaction.objects.count() == 1


def test_replies_are_posted_and_shown_to_whoever_sees_the_kudos(member, teammate, designer):
    kudos = KudosFactory(giver=member, to=[teammate], audience=Audience.ORGANIZATION)
    url = reverse("kudos:reply", args=[kudos.pk])
    response = client_for(designer).post(url, {"message": "Well deserved!"})
    reply = KudosReply.objects.get()
    assert response["Location"].endswith(f"#reply-{reply.pk}")
    page = client_for(teammate).get(reverse("kudos:detail", args=[kudos.pk])).content.decode()
    assert "Well deserved!" in page
    response = client_for(designer).post(url, {"message": "   "})
    assert response.status_code == 422
    assert KudosReply.objects.count() == 1


def test_the_three_feeds_render_with_helpful_empty_states(member_client):
    for name, text in [
        ("kudos:home", "Nothing shared here yet"),
        ("kudos:team", "Nothing shared here yet"),
        ("kudos:mine", "No thanks here yet"),
    ]:
        page = member_client.get(reverse(name)).content.decode()
        assert text in page, name
        assert page.count("<h1") == 1


def test_the_team_feed_can_focus_on_one_team_but_not_another_orgs(
    member_client, member, teammate, team, outsider
):
    KudosFactory(giver=member, to=[teammate], audience=Audience.TEAM, message="Team thanks")
    assert "Team thanks" in member_client.get(reverse("kudos:team")).content.decode()
    page = member_client.get(reverse("kudos:team") + f"?team={team.pk}").content.decode()
    assert "Team thanks" in page
    from tests.factories import TeamFactory

    foreign = TeamFactory(organization=outsider.organization)
    assert member_client.get(reverse("kudos:team") + f"?team={foreign.pk}").status_code == 404


def test_mine_shows_given_and_received_including_private(member_client, member, teammate):
    KudosFactory(giver=member, to=[teammate], audience=Audience.PRIVATE, message="Given quietly")
    KudosFactory(giver=teammate, to=[member], audience=Audience.PRIVATE, message="Got quietly")
    page = member_client.get(reverse("kudos:mine")).content.decode()
    assert "Given quietly" in page and "Got quietly" in page
    page = member_client.get(reverse("kudos:mine") + "?show=received").content.decode()
    assert "Got quietly" in page and "Given quietly" not in page


def grow(giver, receivers, n: int) -> None:
    """n more kudos, each with a reaction and a reply, of every audience."""
    audiences = list(Audience.values)
    for i in range(n):
        kudos = KudosFactory(giver=giver, to=receivers, audience=audiences[i % 3])
        KudosReaction.objects.create(kudos=kudos, person=receivers[0], kind="thanks")
        KudosReply.objects.create(kudos=kudos, author=receivers[0], message="Thanks!")


@pytest.mark.parametrize("name", ["kudos:home", "kudos:team", "kudos:mine"])
def test_feeds_use_a_constant_number_of_queries(
    name, member, teammate, designer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(member)
    counts = []
    for n in (3, 30):
        grow(member, [teammate, designer], n)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_kudos_page_uses_a_constant_number_of_queries(member, teammate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    kudos = KudosFactory(giver=member, to=[teammate])
    client = client_for(teammate)
    counts = []
    for n in (2, 20):
        for _ in range(n):
            KudosReply.objects.create(kudos=kudos, author=teammate, message="More")
            person = PersonFactory(organization=member.organization, user__password=None)
            KudosReaction.objects.create(kudos=kudos, person=person, kind="clap")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("kudos:detail", args=[kudos.pk])).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


# --- values --------------------------------------------------------------------------------


def test_an_admin_manages_values_on_the_values_page(org_admin_client, admin):
    url = reverse("kudos:values")
    response = org_admin_client.post(url, {"name": "Help first"}, follow=True)
    assert "“Help first” is one of your values now." in response.content.decode()
    value = KudosValue.objects.get()
    org_admin_client.post(reverse("kudos:value_rename", args=[value.pk]), {"name": "Help"})
    org_admin_client.post(reverse("kudos:value_retire", args=[value.pk]))
    value.refresh_from_db()
    assert value.name == "Help" and value.is_retired
    page = org_admin_client.get(url).content.decode()
    assert "Retired" in page and "Bring back" in page
    org_admin_client.post(reverse("kudos:value_restore", args=[value.pk]))
    value.refresh_from_db()
    assert not value.is_retired
    assert AuditEvent.objects.filter(target_type="kudosvalue").count() == 4
    response = org_admin_client.post(url, {"name": "help"})
    assert response.status_code == 422
    assert "already a value" in response.content.decode()
    response = org_admin_client.post(
        reverse("kudos:value_rename", args=[value.pk]), {"name": ""}, follow=True
    )
    assert "Nothing was renamed" in response.content.decode()


def test_an_admin_sets_the_daily_limit(org_admin_client, admin):
    response = org_admin_client.post(reverse("kudos:settings"), {"daily_limit": "3"}, follow=True)
    assert "The daily limit is saved." in response.content.decode()
    response = org_admin_client.post(reverse("kudos:settings"), {"daily_limit": "0"})
    assert response.status_code == 422
    assert "at least 1" in response.content.decode()
    response = org_admin_client.post(reverse("kudos:settings"), {"daily_limit": ""})
    from rapport.kudos.models import KudosSettings

    assert KudosSettings.objects.get().daily_limit is None


def test_members_see_values_but_cannot_change_them(member_client, member):
    value = KudosValueFactory(organization=member.organization, name="Say it kindly")
    page = member_client.get(reverse("kudos:values")).content.decode()
    assert "Say it kindly" in page and "Add a value" not in page
    assert member_client.post(reverse("kudos:values"), {"name": "Mine"}).status_code == 403
    for name in ("kudos:value_rename", "kudos:value_retire", "kudos:value_restore"):
        assert member_client.post(reverse(name, args=[value.pk])).status_code == 403
    assert member_client.post(reverse("kudos:settings"), {"daily_limit": 1}).status_code == 403
    assert KudosValue.objects.get().name == "Say it kindly"


# --- unsung and review ---------------------------------------------------------------------


def test_the_unsung_page_offers_to_thank_a_teammate(member_client, member, teammate, designer):
    from rapport.commitments.models import CommitmentSettings

    InteractionFactory(actor=teammate, other=member, kind=Kind.HELPED)
    CommitmentSettings.objects.create(person=teammate, share_record=True)
    InteractionFactory(actor=teammate, other=designer, kind=Kind.COMMITMENT_KEPT)
    page = member_client.get(reverse("kudos:unsung")).content.decode()
    assert "Tomás Teammate" in page
    assert "Helped you recently · Kept their promises" in page
    assert designer.display_name not in page
    assert f"{reverse('kudos:give')}?to={teammate.pk}" in page


def test_the_unsung_page_uses_a_constant_number_of_queries(member, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(member)
    counts = []
    for n in (2, 15):
        for _ in range(n):
            person = PersonFactory(organization=member.organization, user__password=None)
            MembershipFactory(person=person, team=team)
            InteractionFactory(actor=person, other=member, kind=Kind.HELPED)
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("kudos:unsung"))
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_review_page_is_for_org_admins(member_client, org_admin_client, admin, org):
    from rapport.kudos import services

    a = PersonFactory(organization=org, display_name="Ana Trade", user__password=None)
    b = PersonFactory(organization=org, display_name="Ben Trade", user__password=None)
    start = timezone.now() - timedelta(days=4)
    for day in range(3):
        when = start + timedelta(days=day)
        services.kudos_give(giver=a, receivers=[b], message="Thx", now=when)
        services.kudos_give(giver=b, receivers=[a], message="Thx!", now=when + timedelta(hours=1))
    flag = services.trading_pair_check(organization=org, a=a, b=b)
    assert member_client.get(reverse("kudos:review")).status_code == 403
    page = org_admin_client.get(reverse("kudos:review")).content.decode()
    assert "Ana Trade ↔ Ben Trade" in page
    response = org_admin_client.post(reverse("kudos:review_resolve", args=[flag.pk]), follow=True)
    assert "Marked as looked at" in response.content.decode()
    assert AuditEvent.objects.filter(action="kudos_flag_reviewed", target_id=flag.pk).count() == 1
    assert "Nothing to look at" in org_admin_client.get(reverse("kudos:review")).content.decode()
    assert (
        "Ana Trade" in org_admin_client.get(reverse("kudos:review") + "?show=all").content.decode()
    )
