"""Person pickers list the viewer's teammates and whoever is already chosen, never the whole
organisation (100,000 options is not a form), yet accept anyone the field allows; a
colleague's page opens each form with them chosen."""

import pytest
from django.urls import reverse

from rapport.kudos.models import Kudos
from rapport.people import selectors

from ..factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger(org):
    """In the organisation, in none of the member's teams."""
    return PersonFactory(organization=org, display_name="Sol Stranger", user__password=None)


@pytest.fixture
def teammate(org, team):
    person = PersonFactory(organization=org, display_name="Tia Teammate", user__password=None)
    MembershipFactory(person=person, team=team)
    return person


def _options(html: str, person) -> bool:
    return person.display_name in html  # only the picker names people on these pages


@pytest.mark.parametrize(
    ("url_name", "param"),
    [
        ("kudos:give", "to"),
        ("roadblocks:new", "person"),
        ("pairing:preferences", "other"),
        ("commitments:new", "to"),
        ("commitments:ask", "to"),
    ],
)
def test_pickers_list_teammates_and_the_chosen_person_only(
    member_client, member, teammate, stranger, url_name, param
):
    plain = member_client.get(reverse(url_name)).content.decode()
    assert _options(plain, teammate) and not _options(plain, stranger)
    chosen = member_client.get(f"{reverse(url_name)}?{param}={stranger.pk}").content.decode()
    assert f'value="{stranger.pk}" selected' in chosen


def test_someone_outside_my_teams_can_still_be_thanked(member_client, member, stranger):
    response = member_client.post(
        reverse("kudos:give"),
        {"receivers": [stranger.pk], "message": "Thanks for the review", "audience": "team"},
    )
    assert response.status_code == 302
    assert Kudos.objects.get().receivers.get() == stranger


def test_a_refused_choice_is_shown_again_with_the_form(member_client, member, stranger):
    html = member_client.post(
        reverse("kudos:give"), {"receivers": [stranger.pk], "message": "", "audience": "team"}
    ).content.decode()
    assert f'value="{stranger.pk}" selected' in html


def test_the_list_is_capped(member, team, org, monkeypatch):
    monkeypatch.setattr(selectors, "PICKER_LIMIT", 3)
    for _ in range(5):
        MembershipFactory(person=PersonFactory(organization=org, user__password=None), team=team)
    from rapport.people.models import Person

    listed = selectors.pickable_people(viewer=member, among=Person.objects.all())
    assert len(list(listed)) == 3


def test_a_colleagues_page_links_the_private_forms_with_them_chosen(member_client, stranger):
    html = member_client.get(reverse("people:detail", args=[stranger.pk])).content.decode()
    assert f'href="{reverse("roadblocks:new")}?person={stranger.pk}"' in html
    assert f'href="{reverse("pairing:preferences")}?other={stranger.pk}"' in html
