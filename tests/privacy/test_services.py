"""The gate through the database: the organisation's k, the release log, racing requests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.http import Http404

from rapport.lib.tenancy import get_for
from rapport.people.models import Organization, Person
from rapport.privacy.gate import Group, Kind, Reason, Released, Result, Suppressed
from rapport.privacy.models import Release, members_digest
from rapport.privacy.services import effective_k, release_aggregate, release_aggregates

from ..factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def people(first: int, last: int) -> frozenset[int]:
    return frozenset(range(first, last + 1))


def release(
    viewer: Person,
    question: str,
    members: frozenset[int],
    value: object = 1,
    kind: Kind = Kind.FIGURE,
    label: str = "Platform",
    compute: Callable[[frozenset[int]], object] | None = None,
) -> Result[object]:
    return release_aggregate(
        viewer=viewer,
        question=question,
        label=label,
        members=members,
        value=None if compute else value,
        compute=compute,
        kind=kind,
        organization=viewer.organization,
    )


def force_threshold(org: Organization, value: int) -> None:
    """Put a threshold the database refuses into it, as a buggy migration or script might."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            Organization.objects.filter(pk=org.pk).update(anonymity_threshold=value)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    else:
        # Rolled back with the test's transaction.
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE people_organization "
                "DROP CONSTRAINT people_org_anonymity_threshold_at_least_3"
            )
        Organization.objects.filter(pk=org.pk).update(anonymity_threshold=value)


def test_effective_k_is_the_organisations_threshold(org):
    assert effective_k(org) == 5
    org.anonymity_threshold = 7
    assert effective_k(org) == 7


def test_effective_k_is_never_below_three(org):
    org.anonymity_threshold = 2
    assert effective_k(org) == 3
    org.anonymity_threshold = 0
    assert effective_k(org) == 3


def test_the_database_refuses_a_threshold_below_three(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(anonymity_threshold=2)


def test_a_threshold_of_two_forced_into_the_database_is_applied_as_three(org, lead):
    force_threshold(org, 2)
    assert Organization.objects.get(pk=org.pk).anonymity_threshold == 2

    assert release(lead, "q:pair", people(1, 2), label="Pair").reason is Reason.FEWER_THAN_K
    assert release(lead, "q:trio", people(11, 13), label="Trio").released
    # And the differencing rule works with 3 too: 11..14 differs from 11..13 by one person.
    later = release(lead, "q:trio-later", people(11, 14), label="Trio")
    assert later.reason is Reason.DIFFERS_FROM_EARLIER_RELEASE


def test_the_threshold_is_read_from_the_database_not_a_stale_object(org, lead):
    stale = Organization.objects.get(pk=org.pk)  # k = 5 when loaded
    Organization.objects.filter(pk=org.pk).update(anonymity_threshold=8)
    result = release_aggregate(
        viewer=lead,
        question="team_mood:team=1:week=2026-W47",
        label="Platform",
        members=people(1, 7),
        value=3.5,
        organization=stale,
    )
    assert result.reason is Reason.FEWER_THAN_K


def test_a_team_of_four_is_suppressed_and_a_team_of_five_released(lead):
    assert release(lead, "q", people(1, 4), label="Four").reason is Reason.FEWER_THAN_K
    five = release(lead, "q", people(11, 15), value=4.2, label="Five")
    assert isinstance(five, Released)
    assert (five.value, five.people) == (4.2, 5)


def test_what_was_released_is_logged_and_nothing_else(org, lead):
    results = release_aggregates(
        viewer=lead,
        question="team_mood:team=1:week=2026-W47",
        groups=[
            Group("Engineering", people(1, 8), 3.0),
            Group("Platform", people(1, 6), 3.1),
            Group("Data", people(7, 8), 2.9),
        ],
        organization=org,
    )
    assert list(results) == ["Engineering", "Platform", "Data"]
    assert [r.released for r in results.values()] == [True, False, False]
    assert isinstance(results["Platform"], Suppressed)
    assert results["Platform"].reason is Reason.COMPLEMENTARY

    (row,) = Release.objects.all()
    assert row.organization == org
    assert row.viewer == lead
    assert (row.question, row.label, row.kind) == (
        "team_mood:team=1:week=2026-W47",
        "Engineering",
        "figure",
    )
    assert row.members == list(range(1, 9))
    assert row.members_digest == members_digest(people(1, 8))
    assert row.size == 8


def test_next_weeks_figure_is_suppressed_when_one_person_joined(lead):
    assert release(lead, "team_mood:team=1:week=2026-W47", people(1, 6)).released
    next_week = release(lead, "team_mood:team=1:week=2026-W48", people(1, 7))
    assert next_week.reason is Reason.DIFFERS_FROM_EARLIER_RELEASE
    assert Release.objects.count() == 1


def test_history_spans_questions(lead):
    assert release(lead, "kudos_count:team=1", people(1, 6)).released
    assert not release(lead, "team_mood:team=1", people(1, 7)).released


def test_showing_the_same_figure_again_is_released_and_logged_once(lead):
    for _ in range(3):
        assert release(lead, "team_mood:team=1:week=2026-W47", people(1, 6)).released
    assert Release.objects.count() == 1


def test_each_viewer_has_their_own_history(org, lead, admin):
    assert release(lead, "team_mood:team=1", people(1, 6)).released
    assert release(admin, "team_mood:team=1", people(1, 7)).released
    assert not release(lead, "team_mood:team=1", people(1, 7)).released


def test_free_text_needs_ten_people_through_the_service(lead):
    notes = ["a calm week", "deadline stress"]
    assert release(lead, "notes:w47", people(1, 9), notes, Kind.TEXT).reason is (
        Reason.TEXT_NEEDS_10
    )
    shown = release(lead, "notes:w47", people(101, 110), notes, Kind.TEXT, label="Other")
    assert shown.released
    assert shown.value == notes
    assert Release.objects.get().kind == "text"


def test_a_failing_value_records_nothing(lead):
    def broken(members: frozenset[int]) -> float:
        raise RuntimeError("the mood query failed")

    with pytest.raises(RuntimeError):
        release(lead, "team_mood:team=1", people(1, 6), compute=broken)
    assert Release.objects.count() == 0


def test_a_suppressed_value_is_never_computed(lead):
    computed: list[frozenset[int]] = []
    release(lead, "q", people(1, 4), compute=computed.append)
    assert computed == []


def test_the_viewer_must_belong_to_the_organisation(lead, other_org):
    with pytest.raises(ValueError, match="organisation"):
        release_aggregates(
            viewer=lead, question="q", groups=[Group("A", people(1, 5), 0)], organization=other_org
        )
    assert Release.objects.count() == 0


@pytest.mark.parametrize("question", ["", "x" * 201])
def test_a_question_must_be_named(lead, question):
    with pytest.raises(ValueError, match="question"):
        release(lead, question, people(1, 5))


def test_the_release_log_is_never_visible_through_the_access_helper(lead):
    release(lead, "q", people(1, 6))
    row = Release.objects.get()
    with pytest.raises(Http404):
        get_for(lead, Release, pk=row.pk)


def test_the_number_of_queries_does_not_grow_with_groups_or_history(
    org, lead, django_assert_num_queries
):
    for week in range(20):  # a history of 20 questions x 10 groups
        release_aggregates(
            viewer=lead,
            question=f"team_mood:week={week}",
            groups=[Group(f"team {t}", people(10 * t + 1, 10 * t + 10), 0) for t in range(10)],
            organization=org,
        )
    assert Release.objects.count() == 200

    def fifty_groups() -> None:
        release_aggregates(
            viewer=lead,
            question="usage",
            groups=[Group(f"g{t}", people(6 * t + 1, 6 * t + 6), 0) for t in range(50)],
            organization=org,
        )

    # savepoint, lock + threshold, history, insert, release savepoint
    with django_assert_num_queries(5):
        fifty_groups()


@pytest.mark.django_db(transaction=True)
def test_racing_requests_of_one_viewer_cannot_both_be_released():
    """Two requests at once: 1..6 and 1..7 together would isolate person 7."""
    org = OrganizationFactory()
    viewer = PersonFactory(organization=org)
    started = threading.Barrier(2)
    outcomes: dict[str, bool] = {}
    errors: list[BaseException] = []

    def slow_value(members: frozenset[int]) -> int:
        time.sleep(0.3)  # widen the window between reading history and recording
        return len(members)

    def ask(label: str, members: frozenset[int]) -> None:
        try:
            started.wait(timeout=10)
            result = release_aggregate(
                viewer=viewer,
                question=f"team_mood:{label}",
                label=label,
                members=members,
                compute=slow_value,
                organization=org,
            )
            outcomes[label] = result.released
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=ask, args=("six", people(1, 6))),
        threading.Thread(target=ask, args=("seven", people(1, 7))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes.values()) == [False, True]
    assert Release.objects.filter(viewer=viewer).count() == 1
