import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.people.models import Membership, Person

from ..conftest import client_for
from ..factories import MembershipFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_the_directory_lists_colleagues_alphabetically(member_client, member, lead, admin):
    response = member_client.get(reverse("people:directory"))
    assert response.status_code == 200
    names = [p.display_name for p in response.context["page"].object_list]
    assert names == ["Ada Admin", "Lee Lead", "Mia Member"]


def test_the_directory_never_shows_people_who_left_or_other_organisations(
    member_client, member, outsider
):
    PersonFactory(organization=member.organization, display_name="Gone Person", status="left")
    html = member_client.get(reverse("people:directory")).content.decode()
    assert "Gone Person" not in html
    assert "Otto Outsider" not in html


def test_the_directory_searches_names_emails_titles_and_offices(member_client, member):
    PersonFactory(organization=member.organization, display_name="Priya Patel", location="Berlin")
    PersonFactory(organization=member.organization, display_name="Sam Stone", title="Designer")
    for query, expected in [
        ("priya", ["Priya Patel"]),
        ("berlin", ["Priya Patel"]),
        ("design", ["Sam Stone"]),
    ]:
        response = member_client.get(reverse("people:directory"), {"q": query})
        assert [p.display_name for p in response.context["page"].object_list] == expected


def test_an_htmx_search_gets_only_the_results_partial(member_client, member):
    response = member_client.get(reverse("people:directory"), {"q": "mia"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Mia Member" in html
    assert "<html" not in html


def test_the_directory_paginates_and_survives_bad_page_numbers(member_client, member):
    PersonFactory.create_batch(30, organization=member.organization)
    first = member_client.get(reverse("people:directory"))
    assert len(first.context["page"].object_list) == 25
    for bad in ["abc", "-1", "999999999999999999999", "0"]:
        assert member_client.get(reverse("people:directory"), {"page": bad}).status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["people:directory", "people:teams", "today", "people:admin_members"]
)
def test_list_pages_use_the_same_number_of_queries_for_3_or_30_people(admin, team, url_name):
    client = client_for(admin)
    MembershipFactory.create_batch(3, team=team, person__organization=admin.organization)
    few = _queries(client, reverse(url_name))
    more_teams = TeamFactory.create_batch(10, organization=admin.organization)
    for t in more_teams:
        MembershipFactory.create_batch(3, team=t, person__organization=admin.organization)
    assert _queries(client, reverse(url_name)) == few


def test_team_page_query_count_does_not_grow_with_members(member_client, team, member):
    # Start above the anonymity threshold, so both requests release the team's figure.
    MembershipFactory.create_batch(5, team=team, person__organization=team.organization)
    few = _queries(member_client, reverse("people:team", args=[team.pk]))
    MembershipFactory.create_batch(20, team=team, person__organization=team.organization)
    assert _queries(member_client, reverse("people:team", args=[team.pk])) == few


def test_person_page_shows_their_teams_and_manager(member_client, member, lead, team):
    member.manager = lead
    member.save()
    html = member_client.get(reverse("people:detail", args=[member.pk])).content.decode()
    assert "Lee Lead" in html and "Platform" in html


def test_a_colleagues_page_offers_thanks_a_check_in_and_promises(member_client, member, lead):
    html = member_client.get(reverse("people:detail", args=[lead.pk])).content.decode()
    for name in ("kudos:give", "checkins:check_on_new", "commitments:new", "commitments:ask"):
        assert f'href="{reverse(name)}?to={lead.pk}"' in html
    # Each form opens with the colleague already chosen.
    give = member_client.get(reverse("kudos:give") + f"?to={lead.pk}").content.decode()
    assert f'value="{lead.pk}" selected' in give
    ask = member_client.get(reverse("commitments:ask") + f"?to={lead.pk}")
    assert ask.context["form"]["promiser_id"].value() == lead.pk
    promise = member_client.get(reverse("commitments:new") + f"?to={lead.pk}")
    assert promise.context["form"]["receiver_ids"].value() == [lead.pk]
    # Not on my own page.
    mine = member_client.get(reverse("people:detail", args=[member.pk])).content.decode()
    assert reverse("kudos:give") not in mine


def test_team_page_shows_leads_first_and_subteams(member_client, team, member, lead):
    TeamFactory(organization=team.organization, parent=team, name="Platform Tools")
    response = member_client.get(reverse("people:team", args=[team.pk]))
    members = [m.person.display_name for m in response.context["page"].object_list]
    assert members == ["Lee Lead", "Mia Member"]
    assert "Platform Tools" in response.content.decode()


def test_only_org_admins_see_members_and_roles(member_client, org_admin_client):
    assert member_client.get(reverse("people:admin_members")).status_code == 403
    assert org_admin_client.get(reverse("people:admin_members")).status_code == 200


def test_an_org_admin_makes_someone_a_team_lead_and_admin(org_admin_client, member, team):
    response = org_admin_client.post(
        reverse("people:admin_member_roles", args=[member.pk]),
        {"is_org_admin": "on", "lead_team": [str(team.pk)]},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_org_admin
    assert Membership.objects.get(person=member, team=team).role == "lead"


def test_the_last_org_admin_cannot_remove_their_own_role(org_admin_client, admin):
    response = org_admin_client.post(
        reverse("people:admin_member_roles", args=[admin.pk]), {}, follow=True
    )
    assert "at least one org admin" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_org_admin


def test_a_member_cannot_change_roles(member_client, member):
    response = member_client.post(
        reverse("people:admin_member_roles", args=[member.pk]), {"is_org_admin": "on"}
    )
    assert response.status_code == 403
    assert not Person.objects.get(pk=member.pk).is_org_admin


def test_settings_save_the_time_zone_and_working_hours(member_client, member):
    response = member_client.post(
        reverse("settings"),
        {
            "display_name": "Mia M.",
            "title": "Engineer",
            "time_zone": "America/New_York",
            "location": "Remote",
            "work_start": "08:00",
            "work_end": "16:00",
            "working_days": ["1", "2", "3", "4"],
        },
        follow=True,
    )
    assert "saved" in response.content.decode()
    member.refresh_from_db()
    assert (member.time_zone, member.working_days, member.display_name) == (
        "America/New_York",
        "1234",
        "Mia M.",
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"work_start": "18:00", "work_end": "09:00"}, "must end after it starts"),
        ({"display_name": "   "}, "This field is required"),
        ({"working_days": []}, "This field is required"),
        ({"work_start": "25:99"}, "Enter a valid time"),
    ],
)
def test_bad_settings_are_explained_and_change_nothing(member_client, member, change, message):
    data = {
        "display_name": "Changed",
        "time_zone": "Europe/Berlin",
        "work_start": "09:00",
        "work_end": "17:00",
        "working_days": ["1"],
        **change,
    }
    response = member_client.post(reverse("settings"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Mia Member"


@pytest.mark.parametrize("url_name", ["people:directory", "people:teams", "people:admin_members"])
def test_searches_with_odd_characters_are_answered_not_crashed(org_admin_client, url_name):
    for query in ["%00", "\x00", "'; DROP TABLE people;--", "%", "_", "ü" * 500]:
        response = org_admin_client.get(reverse(url_name), {"q": query})
        assert response.status_code == 200, query


def _connect(a, b, times):
    from rapport.ledger.kinds import Kind
    from rapport.ledger.services import interaction_record

    for _ in range(times):
        interaction_record(actor=a, other=b, kind=Kind.HELPED)


def test_the_team_page_shows_connection_only_through_the_privacy_gate(org, team, member):
    client = client_for(member)
    # Four members: under the organisation's threshold of 5, so no figure at all.
    MembershipFactory.create_batch(3, team=team, person__organization=org)
    html = client.get(reverse("people:team", args=[team.pk])).content.decode()
    assert "Not shown, so that no one can be singled out." in html
    assert "% of the team" not in html


def test_a_large_enough_team_sees_the_share_of_well_connected_members(org, team, member):
    others = [
        m.person for m in MembershipFactory.create_batch(5, team=team, person__organization=org)
    ]
    # Each strong tie needs a strength of 3: two "helped" (weight 2) today make 4.
    for other in others[:3]:
        _connect(member, other, 2)
    _connect(others[0], others[1], 2)
    _connect(others[0], others[2], 2)
    # member: 3 strong ties; others[0]: member, 1, 2 → 3; everyone else fewer.
    response = client_for(member).get(reverse("people:team", args=[team.pk]))
    assert response.context["connection"].released
    assert response.context["connection"].value == round(100 * 2 / 6)


def test_strong_tie_counts_count_each_colleague_once_in_either_direction(org, member, lead):
    from rapport.ledger.selectors import strong_tie_counts

    _connect(member, lead, 1)
    _connect(lead, member, 1)  # 2 + 2 across both directions: one strong tie each
    third = PersonFactory(organization=org)
    _connect(member, third, 1)  # 2: not strong
    counts = strong_tie_counts(organization=org, people_ids=[member.pk, lead.pk, third.pk])
    assert counts == {member.pk: 1, lead.pk: 1, third.pk: 0}
