"""Pairing pages through HTTP: what each person sees, forms, messages, query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.pairing import services
from rapport.pairing.models import Buddy, DontPair, Group, GroupMember, Program, Round
from rapport.people.models import Membership
from tests.conftest import client_for
from tests.factories import TeamFactory

from .factories import ProgramFactory, colleague, small_org
from .test_services import settings

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Friday coffee",
        "kind": "coffee",
        "pool": "organization",
        "group_size": "2",
        "cadence": "weekly",
        "announce_weekday": "5",
        "announce_hour": "10",
        "time_zone": "Europe/London",
        "team_mode": "cross",
        "avoid_managers": "on",
    }
    data.update(overrides)
    return data


def test_home_invites_people_to_join_when_there_is_nothing_yet(member_client):
    response = member_client.get(reverse("pairing:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "You're not in a group right now" in body
    assert "The people team will start one soon" in body
    assert "New programme" not in body


def test_an_admin_creates_a_programme_runs_a_round_and_a_member_sees_the_group(org, admin):
    small_org(org)
    client = client_for(admin)
    response = client.post(reverse("pairing:program_create"), form_data())
    program = Program.objects.get()
    assert response.url == reverse("pairing:program_detail", args=[program.pk])
    response = client.post(reverse("pairing:program_run", args=[program.pk]), follow=True)
    assert "Round announced" in response.content.decode()
    made = Round.objects.get()
    member = GroupMember.objects.filter(group__round=made).exclude(person=admin).first().person
    page = client_for(member).get(reverse("pairing:round_detail", args=[made.pk])).content.decode()
    assert "Say hello to" in page and "When you're all free" in page and "We met" in page
    home = client_for(member).get(reverse("pairing:home")).content.decode()
    assert "Open this round" in home
    # Twice the same day: a clear message, no second round.
    again = client.post(reverse("pairing:program_run", args=[program.pk]), follow=True)
    assert "already announced a round today" in again.content.decode()
    assert Round.objects.count() == 1


def test_bad_programme_input_is_explained_and_nothing_is_saved(org, admin, other_org):
    client = client_for(admin)
    response = client.post(reverse("pairing:program_create"), form_data(group_size="5"))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(
        reverse("pairing:program_create"), form_data(pool="locations", time_zone="Mars/Base")
    )
    assert "time zone we know" in response.content.decode()
    assert not Program.objects.exists()


def test_a_lead_sees_only_their_teams_and_cannot_manage_others(org, team, lead, admin):
    TeamFactory(organization=org, name="Sales")
    client = client_for(lead)
    page = client.get(reverse("pairing:program_create")).content.decode()
    assert "Platform" in page and "Sales" not in page
    response = client.post(
        reverse("pairing:program_create"), form_data(pool="teams", teams=[team.pk])
    )
    assert response.status_code == 302
    theirs = ProgramFactory(organization=org, owner=admin)
    assert client.get(reverse("pairing:program_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("pairing:program_run", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("pairing:program_detail", args=[theirs.pk])).status_code == 200


def test_a_member_cannot_create_or_see_buddies(member_client):
    assert member_client.get(reverse("pairing:program_create")).status_code == 403
    assert member_client.get(reverse("pairing:buddies")).status_code == 403
    assert member_client.get(reverse("pairing:meeting_rates")).status_code == 403


def test_joining_leaving_and_snoozing(org, member):
    program = ProgramFactory(organization=org)
    client = client_for(member)
    url = reverse("pairing:participation", args=[program.pk])
    client.post(url, {"action": "leave"})
    assert "Join " + program.name in client.get(reverse("pairing:home")).content.decode()
    client.post(url, {"action": "join"})
    later = timezone.localdate() + timedelta(days=10)
    response = client.post(
        url, {"action": "snooze", "snoozed_until": later.isoformat()}, follow=True
    )
    assert "Snoozed until" in response.content.decode()
    response = client.post(url, {"action": "snooze", "snoozed_until": "2001-01-01"}, follow=True)
    assert "from today on" in response.content.decode()
    response = client.post(url, {"action": "dance"}, follow=True)
    assert "Choose join, leave" in response.content.decode()


def test_the_dont_pair_list_is_private(org, member, admin):
    other = colleague(org, display_name="Quentin Quiet")
    client = client_for(member)
    response = client.post(reverse("pairing:preferences"), {"other": other.pk}, follow=True)
    assert "Quentin Quiet" in response.content.decode()
    entry = DontPair.objects.get()
    assert (
        "Nobody. Add someone"
        in client_for(admin).get(reverse("pairing:preferences")).content.decode()
    )
    assert (
        client_for(admin).post(reverse("pairing:dont_pair_remove", args=[entry.pk])).status_code
        == 404
    )
    response = client.post(reverse("pairing:preferences"), {"other": member.pk})
    assert "Select a valid choice" in response.content.decode()
    client.post(reverse("pairing:dont_pair_remove", args=[entry.pk]))
    assert not DontPair.objects.exists()


def test_a_round_page_is_for_its_members_and_managers_only(org, admin):
    people = small_org(org)
    program = services.program_create(actor=admin, settings=settings())
    made = services.round_run(program=program, on=date(2026, 6, 1))
    group = Group.objects.filter(round=made).exclude(members__person=admin).first()
    inside = group.members.first().person
    outside = next(p for p in people if not group.members.filter(person=p).exists())
    client = client_for(inside)
    assert client.get(reverse("pairing:round_detail", args=[made.pk])).status_code == 200
    manager_view = client_for(admin).get(reverse("pairing:round_detail", args=[made.pk]))
    assert "This round at a glance" in manager_view.content.decode()
    # A member sees their own round; the answer form of another group is a 404.
    response = client_for(outside).post(
        reverse("pairing:group_answer", args=[group.pk]), {"answer": "met"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("pairing:group_answer", args=[group.pk]), {"answer": "met"}, follow=True
    )
    assert "Lovely, thanks" in response.content.decode()
    assert GroupMember.objects.get(group=group, person=inside).answer == "met"


def test_the_meeting_rate_page_shows_released_figures(org, admin):
    small_org(org, teams=3, per_team=4)
    program = services.program_create(actor=admin, settings=settings())
    services.round_run(program=program, on=date(2026, 6, 1))
    services.follow_ups_send(now=timezone.now() + timedelta(days=6))
    page = client_for(admin).get(reverse("pairing:meeting_rates")).content.decode()
    assert program.name in page and "0% answered" in page


def test_buddies_page_and_reassign(org, admin, member):
    newcomer = colleague(org, display_name="Nia New", start_date=date(2026, 6, 1))
    pairing = services.buddy_assign(
        newcomer=newcomer, reason=Buddy.Reason.NEW_JOINER, started_on=date(2026, 6, 1), buddy=member
    )
    client = client_for(admin)
    assert "Nia New" in client.get(reverse("pairing:buddies")).content.decode()
    other = colleague(org, display_name="Otis Other")
    response = client.post(
        reverse("pairing:buddy_reassign", args=[pairing.pk]), {"buddy": other.pk}, follow=True
    )
    assert "Otis Other is now Nia New" in response.content.decode()
    response = client.post(
        reverse("pairing:buddy_reassign", args=[pairing.pk]), {"buddy": newcomer.pk}, follow=True
    )
    assert "their own buddy" in response.content.decode()


def _grow(org, admin, count):
    team = TeamFactory(organization=org)
    program = services.program_create(actor=admin, settings=settings(name=f"P{count}"))
    for i in range(count):
        person = colleague(org, team, display_name=f"Grow {count}-{i}")
        services.dont_pair_add(person=admin, other=person)
        newcomer = colleague(org, start_date=date(2026, 6, 1))
        services.buddy_assign(
            newcomer=newcomer, reason="new_joiner", started_on=date(2026, 6, 1), buddy=person
        )
        ProgramFactory(organization=org, name=f"Extra {count}-{i}")
    made = services.round_run(program=program, on=date(2026, 6, 1) + timedelta(days=count))
    return made


@pytest.mark.parametrize(
    "name,args",
    [
        ("pairing:home", None),
        ("pairing:programs", None),
        ("pairing:preferences", None),
        ("pairing:meeting_rates", None),
        ("pairing:buddies", None),
        ("pairing:program_detail", "program"),
        ("pairing:round_detail", "round"),
    ],
)
def test_pages_use_a_constant_number_of_queries(
    org, admin, django_assert_max_num_queries, name, args
):
    client = client_for(admin)
    counts = []
    for size in (3, 12):
        made = _grow(org, admin, size)
        target = {"program": [made.program_id], "round": [made.pk], None: None}[args]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=target)).status_code == 200
        counts.append(len(queries))
    assert counts[1] <= counts[0], (name, counts)
    assert Membership.objects.exists()


def test_an_admin_finds_buddies_for_whoever_waits(org, admin, member):
    from rapport.people.models import Person

    Person.objects.filter(pk__in=[admin.pk, member.pk]).update(start_date=date(2020, 1, 1))
    joiner = colleague(org, display_name="Jo Joiner", start_date=timezone.localdate())
    client = client_for(admin)
    page = client.post(reverse("pairing:buddies_assign"), follow=True).content.decode()
    assert "1 new buddy pairing made" in page and "Jo Joiner" in page
    assert Buddy.objects.get().newcomer == joiner
    again = client.post(reverse("pairing:buddies_assign"), follow=True).content.decode()
    assert "Every new joiner and returner already has a buddy" in again
    assert client_for(member).post(reverse("pairing:buddies_assign")).status_code == 403
    assert Buddy.objects.count() == 1


def test_an_admin_changes_pauses_and_resumes_a_programme(org, admin):
    small_org(org)
    program = services.program_create(actor=admin, settings=settings())
    client = client_for(admin)
    edit = reverse("pairing:program_edit", args=[program.pk])
    assert 'value="Coffee roulette"' in client.get(edit).content.decode()
    response = client.post(
        edit, form_data(name="Lunch in London", kind="lunch", group_size="3", cadence="monthly")
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.kind, program.group_size, program.cadence) == (
        "Lunch in London",
        "lunch",
        3,
        "monthly",
    )
    bad = client.post(edit, form_data(name=" ", group_size="9"))
    assert bad.status_code == 200
    program.refresh_from_db()
    assert program.name == "Lunch in London"
    pause = reverse("pairing:program_pause", args=[program.pk])
    page = client.post(pause, {"paused": "1"}, follow=True).content.decode()
    assert "Paused: no rounds until you resume." in page
    page = client.post(reverse("pairing:program_run", args=[program.pk]), follow=True)
    assert "paused: resume it" in page.content.decode()
    assert not Round.objects.exists()
    page = client.post(pause, {"paused": "0"}, follow=True).content.decode()
    assert "Resumed." in page and "Next round:" in page


def test_someone_left_out_after_quiet_rounds_is_asked_and_can_rejoin(org, admin, member):
    from rapport.pairing.models import Participation

    program = services.program_create(actor=admin, settings=settings())
    Participation.objects.create(
        program=program, person=member, needs_opt_back_in=True, ignored_rounds=3
    )
    client = client_for(member)
    home = client.get(reverse("pairing:home")).content.decode()
    assert "We left you out after a few quiet rounds" in home
    url = reverse("pairing:participation", args=[program.pk])
    page = client.post(url, {"action": "join", "next": "home"}, follow=True).content.decode()
    assert "in Coffee roulette. Look out for your group." in page
    choice = Participation.objects.get(person=member)
    assert (choice.needs_opt_back_in, choice.ignored_rounds) == (False, 0)
    assert member in services.pool_people(program=program, on=timezone.localdate())
