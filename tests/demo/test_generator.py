"""The demo organisation: deterministic, and shaped the way the demo promises."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date

import pytest

from rapport.accounts.models import User
from rapport.demo import generator
from rapport.ledger.models import Interaction
from rapport.ledger.selectors import STRONG_TIE, org_ties
from rapport.people.models import Membership, Organization, Person, Team

TODAY = date(2026, 3, 16)  # a Monday; the history then spans a DST change in both regions


def history(plan: generator.OrganizationPlan, total: int) -> list[generator.InteractionRow]:
    ids = list(range(1, len(plan.people) + 1))
    return list(generator.interaction_rows(plan, organization_id=1, person_ids=ids, total=total))


def test_the_same_seed_gives_the_same_people_and_history():
    first = generator.demo_plan(seed=7, today=TODAY)
    second = generator.demo_plan(seed=7, today=TODAY)
    assert [(p.display_name, p.email, p.team, p.status) for p in first.people] == [
        (p.display_name, p.email, p.team, p.status) for p in second.people
    ]
    assert history(first, 3_000) == history(second, 3_000)


def test_another_seed_gives_other_people():
    first = generator.demo_plan(seed=1, today=TODAY)
    other = generator.demo_plan(seed=2, today=TODAY)
    assert [p.display_name for p in first.people] != [p.display_name for p in other.people]


def test_the_history_has_quiet_weekends_and_a_busier_recent_month():
    plan = generator.demo_plan(today=TODAY)
    rows = history(plan, 10_000)
    assert len(rows) == 10_000
    assert all(r.actor_id != r.other_id for r in rows)
    assert all(r.occurred_at.date() < TODAY for r in rows)
    weekend = sum(1 for r in rows if r.occurred_at.weekday() >= 5)
    assert weekend < 0.05 * len(rows)
    by_month = Counter((TODAY - r.occurred_at.date()).days // 30 for r in rows)
    assert by_month[0] > 1.3 * by_month[3]


def test_nobody_acts_while_away():
    plan = generator.demo_plan(today=TODAY)
    rows = history(plan, 10_000)
    for person in plan.people:
        if person.away is None:
            continue
        start, end = (plan.history_start.toordinal() + day for day in person.away)
        pid = person.index + 1
        assert not any(
            start <= r.occurred_at.date().toordinal() < end and pid in (r.actor_id, r.other_id)
            for r in rows
        ), person.display_name


@pytest.mark.django_db
def test_the_demo_organisation_has_the_promised_shape():
    plan = generator.demo_plan()
    result = generator.demo_seed(plan=plan, interactions=generator.DEMO_INTERACTIONS)
    org = result.organization
    assert (org.name, result.people, result.teams) == ("Northwind Studio", 80, 6)
    assert result.interactions == generator.DEMO_INTERACTIONS

    people = Person.objects.in_organization(org)
    assert people.count() == 80
    teams = Team.objects.in_organization(org)
    assert teams.count() == 6
    assert teams.filter(parent__isnull=False).exists()
    assert people.values("time_zone").distinct().count() >= 2
    assert people.values("location").distinct().count() >= 3
    statuses = Counter(people.values_list("status", flat=True))
    assert statuses[Person.Status.ON_LEAVE] >= 1
    assert statuses[Person.Status.RETURNING] >= 1
    assert statuses[Person.Status.LEFT] >= 1
    assert 1 <= people.filter(is_org_admin=True).count() <= 2
    assert not people.filter(title="").exists()
    assert not people.filter(start_date__isnull=True).exists()

    # Team leads manage their team; leads report to the head (or to the parent team's lead).
    head = people.get(manager__isnull=True)
    for team in teams.select_related("parent"):
        lead = Membership.objects.get(team=team, role=Membership.Role.LEAD).person
        members = Person.objects.filter(memberships__team=team).exclude(pk=lead.pk)
        assert all(m.manager_id == lead.pk for m in members), team.name
        if team.parent is not None:
            assert lead.manager == Membership.objects.get(team=team.parent, role="lead").person
        elif lead != head:
            assert lead.manager == head


@pytest.mark.django_db
def test_a_few_people_are_isolated_and_teams_are_tight():
    plan = generator.demo_plan()
    # The generated history alone (capability demos add their own ties on top).
    org = generator.demo_seed(
        plan=plan, interactions=generator.DEMO_INTERACTIONS, capabilities=False
    ).organization
    ties = org_ties(organization=org)
    team_of = dict(
        Membership.objects.filter(team__organization=org).values_list("person_id", "team_id")
    )
    strong = Counter[int]()
    within, across = [], []
    for tie in ties:
        if tie.strength >= STRONG_TIE:
            strong[tie.person_a_id] += 1
            strong[tie.person_b_id] += 1
        same = team_of[tie.person_a_id] == team_of[tie.person_b_id]
        (within if same else across).append(tie.strength)

    # People who joined during the history are still making their ties: not counted.
    active = Person.objects.in_organization(org).filter(
        status=Person.Status.ACTIVE, start_date__lt=plan.history_start
    )
    isolated = {p.user.email for p in active.select_related("user") if strong[p.pk] < 3}
    assert 3 <= len(isolated) <= 4
    assert isolated == {p.email for p in plan.people if p.isolated}
    assert statistics.mean(within) > 3 * statistics.mean(across)


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    plan = generator.demo_plan()
    first = generator.demo_seed(plan=plan, interactions=2_000)
    interactions = Interaction.objects.count()
    again = generator.demo_seed(plan=generator.demo_plan(), interactions=2_000)
    assert (first.created, again.created) == (True, False)
    assert Organization.objects.filter(slug=generator.DEMO_SLUG).count() == 1
    assert Person.objects.count() == 80
    # The history plus what each capability's demo recorded (kudos, check-ins, …), once.
    assert first.interactions == 2_000
    assert Interaction.objects.count() == interactions >= 2_000


def test_a_large_plan_keeps_teams_of_about_twelve():
    plan = generator.large_plan(people=5_000, slug="big", name="Big", today=TODAY)
    assert len(plan.people) == 5_000
    sizes = Counter(p.team for p in plan.people)
    assert min(sizes.values()) >= 11
    assert max(sizes.values()) <= 13
    assert len({(t.parent, t.name) for t in plan.teams}) == len(plan.teams)
    assert sum(p.isolated for p in plan.people) >= 0.03 * 5_000
    assert sum(bool(p.bridge_contacts) for p in plan.people) >= 0.03 * 5_000
    assert len({p.email for p in plan.people}) == 5_000
    # Every manager is planned before the people who report to them.
    assert all(p.manager is None or p.manager < p.index for p in plan.people)
    assert len(history(plan, 20_000)) == 20_000


def test_an_organisation_needs_a_few_people():
    with pytest.raises(ValueError, match="at least"):
        generator.large_plan(people=5, slug="tiny", name="Tiny")


@pytest.mark.django_db
def test_every_generated_account_shares_one_password_hash():
    generator.demo_seed(
        plan=generator.large_plan(people=120, slug="hash", name="Hash"),
        interactions=100,
        capabilities=False,  # Care's therapists are not the organisation's people
    )
    assert User.objects.values("password").distinct().count() == 1
    user = User.objects.get(email="member@hash.example")
    assert user.check_password(generator.DEMO_PASSWORD)


@pytest.mark.django_db
def test_the_demo_audit_log_shows_how_the_people_team_set_things_up():
    from rapport.audit.models import AuditEvent

    result = generator.demo_seed(plan=generator.demo_plan(), interactions=500)
    events = AuditEvent.objects.filter(organization=result.organization)
    assert events.filter(action="roster_imported").count() == 1
    assert events.filter(action="role_changed").count() >= 6  # a lead per team, the second admin
    assert all(e.actor.is_org_admin for e in events.select_related("actor"))
