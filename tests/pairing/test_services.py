"""Pairing services: programmes, the pool and its rules, rounds, answers, buddies."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import combinations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from rapport.ledger.kinds import Kind as LedgerKind
from rapport.ledger.models import Interaction
from rapport.ledger.services import interaction_record
from rapport.notifications.models import Notification
from rapport.pairing import services
from rapport.pairing.engine import pair
from rapport.pairing.models import (
    Buddy,
    BuddyCheckIn,
    DontPair,
    Group,
    GroupMember,
    Kind,
    Participation,
    PoolKind,
    Program,
    Round,
    TeamMode,
)
from rapport.pairing.selectors import meeting_rates
from rapport.people.models import Membership, Person
from tests.factories import MembershipFactory, TeamFactory

from .factories import ProgramFactory, colleague, small_org

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def settings(**overrides):
    base = dict(
        name="Coffee roulette",
        kind=Kind.COFFEE,
        pool=PoolKind.ORGANIZATION,
        teams=[],
        locations=[],
        group_size=2,
        cadence="weekly",
        announce_weekday=1,
        announce_hour=10,
        time_zone="Europe/London",
        team_mode=TeamMode.CROSS,
        avoid_managers=True,
    )
    base.update(overrides)
    return services.ProgramSettings(**base)


def groups_of(made: Round) -> list[set[int]]:
    out: dict[int, set[int]] = {}
    for group_id, person_id in GroupMember.objects.filter(group__round=made).values_list(
        "group_id", "person_id"
    ):
        out.setdefault(group_id, set()).add(person_id)
    return list(out.values())


# --- programmes -----------------------------------------------------------------------------


def test_an_admin_creates_a_programme_and_it_is_audited(org, admin):
    program = services.program_create(actor=admin, settings=settings())
    assert program.owner == admin and program.organization == org
    from rapport.audit.models import AuditEvent

    assert AuditEvent.objects.filter(
        target_id=program.pk, actor=admin, action="pairing_program_changed"
    ).exists()


@pytest.mark.parametrize("size", [0, 1, 5, 12])
def test_group_sizes_outside_two_to_four_are_refused(admin, size):
    with pytest.raises(ValidationError, match="2, 3 or 4"):
        services.program_create(actor=admin, settings=settings(group_size=size))
    assert not Program.objects.exists()


def test_a_pool_of_another_organisations_teams_is_refused(admin, other_org):
    theirs = TeamFactory(organization=other_org)
    with pytest.raises(ValidationError, match="own organisation"):
        services.program_create(actor=admin, settings=settings(pool=PoolKind.TEAMS, teams=[theirs]))


def test_a_lead_runs_programmes_only_for_teams_they_lead(org, team, lead, member):
    other_team = TeamFactory(organization=org, name="Elsewhere")
    with pytest.raises(PermissionDenied, match="teams they lead"):
        services.program_create(actor=lead, settings=settings())  # whole organisation
    with pytest.raises(PermissionDenied):
        services.program_create(
            actor=lead, settings=settings(pool=PoolKind.TEAMS, teams=[team, other_team])
        )
    with pytest.raises(PermissionDenied):
        services.program_create(actor=member, settings=settings(pool=PoolKind.TEAMS, teams=[team]))
    sub = TeamFactory(organization=org, name="Inside", parent=team)
    program = services.program_create(
        actor=lead, settings=settings(pool=PoolKind.TEAMS, teams=[team, sub])
    )
    assert set(program.teams.all()) == {team, sub}


def test_a_pool_of_locations_needs_a_location(admin):
    with pytest.raises(ValidationError, match="at least one location"):
        services.program_create(actor=admin, settings=settings(pool=PoolKind.LOCATIONS))


# --- the pool -------------------------------------------------------------------------------


def test_the_pool_skips_leave_snoozes_leavers_and_the_silent(org, admin):
    people = small_org(org)
    program = services.program_create(actor=admin, settings=settings())
    away, snoozer, leaver, silent, left = people[1], people[2], people[5], people[6], people[7]
    Person.objects.filter(pk=away.pk).update(status=Person.Status.ON_LEAVE)
    Person.objects.filter(pk=left.pk).update(status=Person.Status.LEFT)
    services.participation_update(
        person=snoozer, program=program, snoozed_until=MONDAY + timedelta(days=3), today=MONDAY
    )
    services.participation_update(person=leaver, program=program, opted_in=False)
    Participation.objects.create(program=program, person=silent, needs_opt_back_in=True)
    pool = {p.pk for p in services.pool_people(program=program, on=MONDAY)}
    assert not pool & {away.pk, snoozer.pk, leaver.pk, silent.pk, left.pk}
    assert admin.pk in pool and people[0].pk in pool
    # The snooze ends after its day.
    later = {p.pk for p in services.pool_people(program=program, on=MONDAY + timedelta(days=4))}
    assert snoozer.pk in later


def test_an_opt_in_pool_takes_only_those_who_opted_in(org, admin):
    people = small_org(org)
    program = services.program_create(actor=admin, settings=settings(pool=PoolKind.OPT_IN))
    assert services.pool_people(program=program, on=MONDAY) == []
    services.participation_update(person=people[3], program=program, opted_in=True)
    assert services.pool_people(program=program, on=MONDAY) == [people[3]]


def test_a_team_pool_includes_teams_inside_the_chosen_ones(org, admin):
    parent = TeamFactory(organization=org, name="Engineering")
    child = TeamFactory(organization=org, name="Platform", parent=parent)
    inside = colleague(org, child)
    outside = colleague(org, TeamFactory(organization=org, name="Sales"))
    program = services.program_create(
        actor=admin, settings=settings(pool=PoolKind.TEAMS, teams=[parent])
    )
    pool = services.pool_people(program=program, on=MONDAY)
    assert inside in pool and outside not in pool


def test_snoozing_into_the_past_is_refused(org, member):
    program = ProgramFactory(organization=org)
    with pytest.raises(ValidationError, match="from today"):
        services.participation_update(
            person=member, program=program, snoozed_until=MONDAY - timedelta(days=1), today=MONDAY
        )


def test_dont_pair_refuses_yourself_and_outsiders(member, outsider):
    with pytest.raises(ValidationError, match="yourself"):
        services.dont_pair_add(person=member, other=member)
    with pytest.raises(ValidationError, match="own organisation"):
        services.dont_pair_add(person=member, other=outsider)
    assert not DontPair.objects.exists()


# --- rounds ---------------------------------------------------------------------------------


def test_a_round_groups_everyone_within_the_rules_and_tells_them_why(org, admin):
    people = small_org(org, teams=3, per_team=4)
    services.dont_pair_add(person=people[1], other=people[5])
    program = services.program_create(actor=admin, settings=settings(group_size=2))
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    groups = groups_of(made)
    placed = set().union(*groups)
    everyone = {p.pk for p in people} | {admin.pk}
    assert placed | set() <= everyone and len(placed) + made.unmatched_count == len(everyone)
    by_id = {p.pk: p for p in [*people, admin]}
    for group in groups:
        assert 2 <= len(group) <= 3
        for a, b in combinations(group, 2):
            assert by_id[a].manager_id != b and by_id[b].manager_id != a
            assert {a, b} != {people[1].pk, people[5].pk}
    note = Notification.objects.filter(type="pairing_match", recipient=people[1]).get()
    assert "Say hello to" in note.body and "(your time)" in note.body
    assert note.url == f"/pairing/rounds/{made.pk}/"
    # Suggested times sit inside everyone's working hours.
    for group in Group.objects.filter(round=made):
        assert group.suggested_times
        for moment in group.suggested_times:
            start = datetime.fromisoformat(moment).astimezone(by_id[people[0].pk].tz)
            assert time(9, 0) <= start.time() and start.weekday() < 5


def test_a_round_is_once_per_programme_and_date(org, admin):
    small_org(org)
    program = services.program_create(actor=admin, settings=settings())
    services.round_run(program=program, on=MONDAY, now=NOW)
    with pytest.raises(services.RoundAlreadyHeld):
        services.round_run(program=program, on=MONDAY, now=NOW)
    assert Round.objects.count() == 1


def test_a_paused_programme_or_a_tiny_pool_makes_no_round(org, admin):
    program = services.program_create(actor=admin, settings=settings(pool=PoolKind.OPT_IN))
    with pytest.raises(ValidationError, match="Fewer than two"):
        services.round_run(program=program, on=MONDAY, now=NOW)
    services.program_set_paused(actor=admin, program=program, paused=True)
    with pytest.raises(ValidationError, match="paused"):
        services.round_run(program=program, on=MONDAY, now=NOW)
    assert not Round.objects.exists()


def test_lunch_groups_share_a_location(org, admin):
    for city in ("London", "Berlin"):
        for i in range(5):
            colleague(org, display_name=f"{city} {i}", location=city)
    nowhere = colleague(org, display_name="No desk", location="")
    program = services.program_create(
        actor=admin, settings=settings(kind=Kind.LUNCH, team_mode=TeamMode.ANY, group_size=3)
    )
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    for group in groups_of(made):
        assert len({Person.objects.get(pk=m).location for m in group}) == 1
    assert nowhere.pk not in set().union(*groups_of(made))
    lunch = Group.objects.filter(round=made).first()
    assert lunch.minutes == 60


def test_virtual_coffee_never_groups_people_without_shared_hours(org, admin):
    london = [colleague(org, time_zone="Europe/London", display_name=f"L{i}") for i in range(4)]
    sydney = [
        colleague(
            org,
            time_zone="Australia/Sydney",
            display_name=f"S{i}",
            work_start=time(9, 0),
            work_end=time(17, 0),
        )
        for i in range(4)
    ]
    Person.objects.filter(pk=admin.pk).update(status=Person.Status.ON_LEAVE)
    program = services.program_create(actor=admin, settings=settings(team_mode=TeamMode.ANY))
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    london_ids = {p.pk for p in london}
    for group in groups_of(made):
        assert group <= london_ids or not group & london_ids
    assert len(sydney) == 4


def test_within_team_mode_keeps_groups_inside_a_team(org, admin):
    people = small_org(org, teams=2, per_team=4)
    program = services.program_create(
        actor=admin,
        settings=settings(team_mode=TeamMode.WITHIN, avoid_managers=False),
    )
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    team_of = dict(Membership.objects.values_list("person_id", "team_id"))
    for group in groups_of(made):
        assert len({team_of.get(m) for m in group}) == 1
    assert people


def test_the_plan_is_followed_while_the_pool_stays_and_re_made_when_it_changes(org, admin):
    people = small_org(org, teams=3, per_team=4)
    program = services.program_create(actor=admin, settings=settings())
    first = services.round_run(program=program, on=MONDAY, now=NOW)
    program.refresh_from_db()
    planned = program.plan["rounds"][0]["groups"]
    second = services.round_run(program=program, on=MONDAY + timedelta(days=7), now=NOW)
    assert sorted(sorted(g) for g in groups_of(second)) == sorted(sorted(g) for g in planned)
    assert "planned" in second.method
    # Someone goes on leave: the next round is re-planned without them, from history.
    Person.objects.filter(pk=people[4].pk).update(status=Person.Status.ON_LEAVE)
    third = services.round_run(program=program, on=MONDAY + timedelta(days=14), now=NOW)
    assert "planned" not in third.method
    assert people[4].pk not in set().union(*groups_of(third))
    met = {frozenset(p) for r in (first, second) for g in groups_of(r) for p in combinations(g, 2)}
    repeats = [p for g in groups_of(third) for p in combinations(g, 2) if frozenset(p) in met]
    assert repeats == []


def test_the_periodic_task_announces_at_the_local_hour_once(org, admin):
    small_org(org)
    program = services.program_create(
        actor=admin, settings=settings(time_zone="America/New_York", announce_hour=9)
    )
    # 12:30 UTC on Monday 1 June 2026 is 08:30 in New York: not yet.
    assert services.rounds_due_run(now=datetime(2026, 6, 1, 12, 30, tzinfo=UTC)) == 0
    assert services.rounds_due_run(now=datetime(2026, 6, 1, 13, 0, tzinfo=UTC)) == 1
    assert services.rounds_due_run(now=datetime(2026, 6, 1, 13, 15, tzinfo=UTC)) == 0
    assert Round.objects.get(program=program).held_on == MONDAY
    # Tuesday is not a round day.
    assert services.rounds_due_run(now=datetime(2026, 6, 2, 13, 0, tzinfo=UTC)) == 0


def test_answering_we_met_records_one_met_per_pair(org, admin):
    small_org(org)
    program = services.program_create(actor=admin, settings=settings(group_size=3))
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    group = Group.objects.filter(round=made).first()
    members = list(GroupMember.objects.filter(group=group).select_related("person"))
    for member in members:
        services.group_answer(person=member.person, group=group, answer="met")
    met = Interaction.objects.filter(kind=LedgerKind.MET, source_id=group.pk)
    assert met.count() == len(members) * (len(members) - 1) // 2
    for row in met:
        assert row.actor_id < row.other_id
    with pytest.raises(ValidationError, match="already told us"):
        services.group_answer(person=members[0].person, group=group, answer="not_met")
    with pytest.raises(ValidationError):
        services.group_answer(person=members[0].person, group=group, answer="maybe")


def test_only_members_answer_for_a_group(org, admin, outsider):
    small_org(org)
    program = services.program_create(actor=admin, settings=settings())
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    group = Group.objects.filter(round=made).exclude(members__person=admin).first()
    with pytest.raises(PermissionDenied):
        services.group_answer(person=admin, group=group, answer="met")


def test_three_quiet_rounds_ask_before_including_again(org, admin):
    people = small_org(org, teams=2, per_team=3)
    program = services.program_create(actor=admin, settings=settings())
    quiet = people[1]
    for week in range(4):
        made = services.round_run(program=program, on=MONDAY + timedelta(days=7 * week), now=NOW)
        for member in GroupMember.objects.filter(group__round=made).exclude(person=quiet):
            services.group_answer(person=member.person, group=member.group, answer="not_met")
    asked = Participation.objects.filter(program=program, needs_opt_back_in=True)
    assert [p.person_id for p in asked] == [quiet.pk]
    assert Notification.objects.filter(
        recipient=quiet, type="pairing_follow_up", title__startswith="Still up for"
    ).exists()
    assert quiet not in services.pool_people(program=program, on=MONDAY + timedelta(days=28))
    assert not GroupMember.objects.filter(
        group__round__held_on=MONDAY + timedelta(days=21), person=quiet
    ).exists()
    services.participation_update(person=quiet, program=program, opted_in=True)
    assert quiet in services.pool_people(program=program, on=MONDAY + timedelta(days=28))


def test_follow_ups_go_once_after_the_round(org, admin):
    small_org(org)
    program = services.program_create(actor=admin, settings=settings())
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    assert services.follow_ups_send(now=NOW + timedelta(days=4)) == 0
    sent = services.follow_ups_send(now=NOW + timedelta(days=5))
    assert sent == GroupMember.objects.filter(group__round=made).count()
    assert services.follow_ups_send(now=NOW + timedelta(days=6)) == 0


def test_the_meeting_rate_is_released_only_through_the_gate(org, admin):
    small_org(org, teams=3, per_team=4)
    program = services.program_create(actor=admin, settings=settings())
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    assert meeting_rates(viewer=admin, programs=[program]) == {}
    services.follow_ups_send(now=NOW + timedelta(days=5))
    groups = list(Group.objects.filter(round=made).prefetch_related("members__person"))
    for group in groups[:3]:
        services.group_answer(person=group.members.all()[0].person, group=group, answer="met")
    rate = meeting_rates(viewer=admin, programs=[program])[program.pk]
    assert rate.released
    assert rate.value.percent == round(100 * 3 / len(groups))
    assert rate.value.rounds == 1


def test_a_small_programmes_meeting_rate_is_held_back(org, admin):
    for i in range(4):
        colleague(org, display_name=f"Few {i}")
    Person.objects.filter(pk=admin.pk).update(status=Person.Status.ON_LEAVE)
    program = services.program_create(actor=admin, settings=settings(team_mode=TeamMode.ANY))
    services.round_run(program=program, on=MONDAY, now=NOW)
    services.follow_ups_send(now=NOW + timedelta(days=5))
    rate = meeting_rates(viewer=admin, programs=[program])[program.pk]
    assert not rate.released


# --- buddies --------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False)
def test_new_joiners_and_returners_get_a_buddy_once_with_check_ins(org, admin):
    veterans = small_org(org, teams=2, per_team=4)
    for person in veterans:
        Person.objects.filter(pk=person.pk).update(start_date=date(2020, 1, 1))
    team = Membership.objects.filter(person=veterans[0]).get().team
    joiner = colleague(
        org, team, display_name="New Nia", start_date=date(2026, 5, 25), manager=veterans[0]
    )
    returner = colleague(
        org, display_name="Back Bo", status=Person.Status.RETURNING, start_date=date(2019, 1, 1)
    )
    assert services.buddies_assign(organization=org) == 2
    assert services.buddies_assign(organization=org) == 0
    pairing = Buddy.objects.get(newcomer=joiner)
    assert pairing.buddy_id != veterans[0].pk  # never their manager
    assert pairing.buddy.status == Person.Status.ACTIVE
    assert Buddy.objects.get(newcomer=returner).reason == Buddy.Reason.RETURNING
    assert sorted(BuddyCheckIn.objects.filter(pairing=pairing).values_list("week", flat=True)) == [
        1,
        2,
        4,
    ]
    assert Notification.objects.filter(recipient=joiner, type="buddy").exists()
    assert Notification.objects.filter(recipient=pairing.buddy, type="buddy").exists()


def test_nobody_buddies_more_than_two_at_once(org, admin):
    veteran = colleague(org, start_date=date(2020, 1, 1))
    Person.objects.filter(pk=admin.pk).update(start_date=date(2026, 5, 30))
    today = date(2026, 6, 1)
    joiners = [colleague(org, start_date=date(2026, 5, 30)) for _ in range(3)]
    made = services.buddies_assign(organization=org, today=today)
    assert made == 2
    assert Buddy.objects.filter(buddy=veteran).count() == 2
    assert len(joiners) == 3


def test_buddy_check_ins_are_sent_once_when_due(org, admin):
    newcomer = colleague(org, start_date=date(2026, 6, 1))
    buddy = colleague(org, start_date=date(2020, 1, 1))
    pairing = services.buddy_assign(
        newcomer=newcomer, reason=Buddy.Reason.NEW_JOINER, started_on=date(2026, 6, 1), buddy=buddy
    )
    assert services.buddy_check_ins_send(today=date(2026, 6, 7)) == 0
    assert services.buddy_check_ins_send(today=date(2026, 6, 8)) == 1
    assert services.buddy_check_ins_send(today=date(2026, 6, 8)) == 0
    titles = Notification.objects.filter(type="buddy", title__startswith="Week 1").count()
    assert titles == 2
    assert pairing.check_ins.filter(sent_at__isnull=False).count() == 1


def test_an_admin_reassigns_a_buddy_but_not_to_the_manager(org, admin, member):
    manager = colleague(org)
    newcomer = colleague(org, manager=manager, start_date=date(2026, 6, 1))
    pairing = services.buddy_assign(
        newcomer=newcomer, reason=Buddy.Reason.NEW_JOINER, started_on=date(2026, 6, 1), buddy=member
    )
    with pytest.raises(ValidationError, match="manager"):
        services.buddy_reassign(actor=admin, pairing=pairing, buddy=manager)
    with pytest.raises(PermissionDenied):
        services.buddy_reassign(actor=member, pairing=pairing, buddy=admin)
    other = colleague(org)
    services.buddy_reassign(actor=admin, pairing=pairing, buddy=other)
    pairing.refresh_from_db()
    assert pairing.buddy == other
    from rapport.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="buddy_reassigned")
    assert (event.actor, event.target_id, event.details) == (
        admin,
        newcomer.pk,
        {"buddy_id": other.pk},
    )


def test_data_rights_export_and_erase(org, admin):
    people = small_org(org)
    program = services.program_create(actor=admin, settings=settings())
    services.dont_pair_add(person=people[1], other=people[2])
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    from rapport.people.data_rights import person_data_erase, person_data_export

    data = person_data_export(person=people[1])["pairing"]
    assert data["dont_pair_with"] == [people[2].display_name]
    assert data["groups"][0]["programme"] == program.name
    Person.objects.filter(pk=people[1].pk).update(status=Person.Status.LEFT)
    people[1].refresh_from_db()
    person_data_erase(actor=admin, person=people[1])
    assert not DontPair.objects.exists()
    assert GroupMember.objects.filter(group__round=made, person=people[1]).exists()
    # Nobody's introduction still describes them.
    told = [r for m in GroupMember.objects.filter(group__round=made) for r in m.introduction]
    assert told and all(r["other_id"] != people[1].pk for r in told)
    assert MembershipFactory  # factories stay importable for other tests


# --- rules and introductions, more closely ----------------------------------------------------


def test_managers_and_reports_are_kept_apart_only_when_asked(org, admin):
    people = small_org(org, teams=2, per_team=3)
    on = services.program_create(actor=admin, settings=settings(name="Apart"))
    off = services.program_create(
        actor=admin, settings=settings(name="Mixed", avoid_managers=False)
    )
    managed = {(p.pk, p.manager_id) for p in people if p.manager_id}
    assert len(managed) == 4

    def forbidden(program):
        pool = services.pool_people(program=program, on=MONDAY)
        inputs = services.engine_inputs(program=program, people=pool, on=MONDAY, now=NOW)
        return inputs.constraints.forbidden_pairs

    assert {pair(a, b) for a, b in managed} <= forbidden(on)
    assert not {pair(a, b) for a, b in managed} & forbidden(off)


def test_a_dont_pair_entry_holds_whoever_wrote_it_and_is_never_told(org, admin):
    people = small_org(org, teams=1, per_team=4)
    Person.objects.filter(pk=admin.pk).update(status=Person.Status.ON_LEAVE)
    # Four people, pairs: the writer and the other can only avoid each other one way.
    writer, other = people[1], people[2]
    services.dont_pair_add(person=writer, other=other)
    program = services.program_create(
        actor=admin, settings=settings(team_mode=TeamMode.ANY, avoid_managers=False)
    )
    for week in range(3):
        made = services.round_run(program=program, on=MONDAY + timedelta(days=7 * week), now=NOW)
        assert {writer.pk, other.pk} not in [set(g) for g in groups_of(made)]
    notes = " ".join(Notification.objects.filter(recipient=other).values_list("body", flat=True))
    assert "don't pair" not in notes.lower() and "list" not in notes.lower()


def test_each_member_is_told_only_about_their_own_ties(org, admin):
    ada, ben, cy = (colleague(org, display_name=n) for n in ("Ada", "Ben", "Cy"))
    Person.objects.filter(pk=admin.pk).update(status=Person.Status.ON_LEAVE)
    # Ben and Cy work together a lot; Ada knows neither.
    for day in range(10):
        moment = NOW - timedelta(days=day)
        interaction_record(actor=ben, other=cy, kind=LedgerKind.KUDOS, occurred_at=moment)
    program = services.program_create(
        actor=admin, settings=settings(group_size=3, team_mode=TeamMode.ANY)
    )
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    assert groups_of(made) == [{ada.pk, ben.pk, cy.pk}]
    intro = {
        m.person_id: {r["other_id"]: r["tie"] for r in m.introduction}
        for m in GroupMember.objects.filter(group__round=made)
    }
    assert intro[ada.pk] == {ben.pk: "new", cy.pk: "new"}
    assert intro[ben.pk][cy.pk] == "known" and intro[cy.pk][ben.pk] == "known"
    to_ada = Notification.objects.get(recipient=ada, type="pairing_match").body
    assert "hardly worked together yet, which is exactly the point" in to_ada
    assert "know each other" not in to_ada
    to_ben = Notification.objects.get(recipient=ben, type="pairing_match").body
    assert "Some of you have hardly worked together" in to_ben


@time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False)
def test_a_buddy_is_a_weak_tie_who_shares_working_hours(org, admin):
    Person.objects.filter(pk=admin.pk).update(start_date=date(2020, 1, 1), status="on_leave")
    newcomer = colleague(org, display_name="Nia", start_date=date(2026, 5, 28))
    close = colleague(org, display_name="Close", start_date=date(2020, 1, 1))
    far_away = colleague(
        org,
        display_name="Far",
        start_date=date(2020, 1, 1),
        time_zone="Pacific/Auckland",
        work_start=time(9, 0),
        work_end=time(17, 0),
    )
    stranger = colleague(org, display_name="Stranger", start_date=date(2020, 1, 1))
    for day in range(3):
        interaction_record(
            actor=close,
            other=newcomer,
            kind=LedgerKind.KUDOS,
            occurred_at=datetime(2026, 5, 29, 9, tzinfo=UTC) + timedelta(hours=day),
        )
    candidates = services.buddy_candidates(newcomer=newcomer, on=date(2026, 6, 1))
    assert far_away not in candidates  # London and Auckland share no working hour
    assert candidates[:2] == [stranger, close]  # the weaker tie first
    assert services.buddies_assign(organization=org) == 1
    assert Buddy.objects.get(newcomer=newcomer).buddy == stranger


def test_a_shared_skill_is_mentioned_only_when_the_board_shows_it(org, admin):
    from rapport.helpboard.services import capacity_update

    ada, ben = colleague(org, display_name="Ada"), colleague(org, display_name="Ben")
    Person.objects.filter(pk=admin.pk).update(status=Person.Status.ON_LEAVE)
    # Ada shows her skills (she has room this week); Ben keeps his off the board (steady).
    capacity_update(person=ada, status="available", skills=["sql", "hiring"], now=NOW)
    capacity_update(person=ben, status="steady", skills=["sql", "piano"], now=NOW)
    program = services.program_create(actor=admin, settings=settings(team_mode=TeamMode.ANY))
    made = services.round_run(program=program, on=MONDAY, now=NOW)
    intro = {m.person_id: m.introduction[0] for m in GroupMember.objects.filter(group__round=made)}
    assert intro[ben.pk]["shared_skills"] == ["sql"]  # Ada's skills are on the board
    assert intro[ada.pk]["shared_skills"] == []  # Ben's are not: nothing is revealed
    to_ben = Notification.objects.get(recipient=ben, type="pairing_match").body
    assert "You share an interest in sql" in to_ben
    to_ada = Notification.objects.get(recipient=ada, type="pairing_match").body
    assert "sql" not in to_ada and "piano" not in to_ada


def test_one_broken_programme_does_not_hold_back_the_others(org, admin, caplog):
    small_org(org)
    broken = services.program_create(actor=admin, settings=settings(name="A broken one"))
    fine = services.program_create(actor=admin, settings=settings(name="B fine"))
    pool = services.pool_people(program=broken, on=MONDAY)
    inputs = services.engine_inputs(program=broken, people=pool, on=MONDAY, now=NOW)
    # A stored plan that no longer matches the database (someone in it is gone for good).
    Program.objects.filter(pk=broken.pk).update(
        plan={
            "fingerprint": services._fingerprint(broken, inputs),
            "rounds": [{"groups": [[pool[0].pk, 10**9]], "unmatched": []}],
        }
    )
    moment = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)  # 10:30 in London, a Monday
    assert services.rounds_due_run(now=moment) == 1
    assert list(Round.objects.values_list("program_id", flat=True)) == [fine.pk]
    assert f"Pairing round for programme {broken.pk} failed" in caplog.text


def test_a_pool_of_a_hundred_and_more_is_planned_whole(org, admin):
    for t in range(6):
        team = TeamFactory(organization=org, name=f"Crew {t}")
        for i in range(20):
            colleague(org, team, display_name=f"C{t}-{i}")
    program = services.program_create(actor=admin, settings=settings(group_size=4))
    first = services.round_run(program=program, on=MONDAY, now=NOW)
    assert first.method == "local-search"
    second = services.round_run(program=program, on=MONDAY + timedelta(days=7), now=NOW)
    assert second.method == "local-search (planned)"
    met = {frozenset(p) for g in groups_of(first) for p in combinations(g, 2)}
    assert not [p for g in groups_of(second) for p in combinations(g, 2) if frozenset(p) in met]
