"""Recording events: what is kept, what it costs, and what may never be logged."""

from __future__ import annotations

import pytest
from django.apps.registry import Apps
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.audit.actions import Action
from rapport.audit.models import ERASED_LABEL, AuditEvent
from rapport.audit.services import SEALED_APPS, SealedDataError, audit_anonymise_actor, audit_record

from ..factories import PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_it_records_who_did_what_to_which_object(admin, member):
    event = audit_record(
        organization=admin.organization,
        actor=admin,
        action=Action.ROLE_CHANGED,
        target=member,
        details={"is_org_admin": True, "lead_team_ids": [3, 4]},
        ip="192.0.2.7",
    )
    event.refresh_from_db()
    assert (event.organization, event.actor, event.actor_label) == (
        admin.organization,
        admin,
        "Ada Admin",
    )
    assert (event.action, event.target_type, event.target_id, event.target_label) == (
        "role_changed",
        "person",
        member.pk,
        "Mia Member",
    )
    assert event.details == {"is_org_admin": True, "lead_team_ids": [3, 4]}
    assert event.ip == "192.0.2.7"
    assert event.created_at is not None


def test_recording_costs_one_insert(admin, team):
    with CaptureQueriesContext(connection) as ctx:
        audit_record(
            organization=admin.organization, actor=admin, action="roster_imported", target=team
        )
    assert len(ctx.captured_queries) == 1
    assert ctx.captured_queries[0]["sql"].upper().startswith("INSERT")


def test_rapport_itself_can_be_the_actor_and_events_need_no_target(org):
    event = audit_record(
        organization=org, actor=None, action=Action.ROSTER_IMPORTED, details={"created": 12}
    )
    assert (event.actor_id, event.actor_label, event.target_type, event.target_id) == (
        None,
        "",
        "",
        None,
    )


def test_a_token_is_logged_as_a_token_with_the_label_it_is_given(member):
    from rapport.accounts.tokens import token_create

    token, _secret = token_create(user=member.user, name="Mia's private laptop")
    event = audit_record(
        organization=member.organization,
        actor=member,
        action=Action.TOKEN_CREATED,
        target=token,
        target_label=token.prefix + "…",
    )
    assert (event.target_type, event.target_id) == ("token", token.pk)
    assert "laptop" not in event.target_label


def test_it_refuses_unknown_actions(admin):
    with pytest.raises(ValueError):
        audit_record(organization=admin.organization, actor=admin, action="looked_around")
    assert not AuditEvent.objects.exists()


def test_it_refuses_actors_and_targets_of_another_organisation(admin, outsider):
    with pytest.raises(ValueError, match="actor"):
        audit_record(organization=admin.organization, actor=outsider, action="role_changed")
    with pytest.raises(ValueError, match="target"):
        audit_record(
            organization=admin.organization, actor=admin, action="role_changed", target=outsider
        )
    with pytest.raises(ValueError):
        audit_record(
            organization=admin.organization,
            actor=admin,
            action="role_changed",
            target=TeamFactory.build(organization=admin.organization),  # unsaved: no id
        )
    assert not AuditEvent.objects.exists()


# --- Care data never reaches the log -------------------------------------------------------

_sealed_registry = Apps()


class Booking(models.Model):
    """Stands in for a Care model (the care app does not exist yet)."""

    client_label = models.CharField(max_length=50)

    class Meta:
        app_label = "care"
        apps = _sealed_registry

    def __str__(self) -> str:
        return f"Therapy with {self.client_label}"


def test_care_is_on_the_deny_list():
    assert "care" in SEALED_APPS


def test_it_refuses_to_audit_a_care_object_and_writes_nothing(admin):
    booking = Booking(pk=7, client_label="Mia Member")
    with pytest.raises(SealedDataError, match="audit log"):
        audit_record(
            organization=admin.organization, actor=admin, action="data_exported", target=booking
        )
    assert not AuditEvent.objects.exists()


def test_a_sealed_object_fails_the_whole_action_it_was_part_of(admin, member):
    with pytest.raises(SealedDataError), transaction.atomic():
        audit_record(
            organization=admin.organization, actor=admin, action="role_changed", target=member
        )
        audit_record(
            organization=admin.organization,
            actor=admin,
            action="sharing_changed",
            target=Booking(pk=1, client_label="x"),
        )
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "details",
    [
        {"note": "feeling low since the reorg"},
        {"Message": "hi"},
        {"reason": "x" * 201},
        {"nested": {"a": 1}},
        {"items": list(range(51))},
        {"": 1},
        {"ratio": float("nan")},
        {f"k{i}": i for i in range(21)},
    ],
)
def test_details_are_a_few_facts_never_free_text(admin, details):
    with pytest.raises((ValueError, TypeError)):
        audit_record(
            organization=admin.organization, actor=admin, action="role_changed", details=details
        )
    assert not AuditEvent.objects.exists()


# Floats of everyday size: PostgreSQL keeps JSON numbers as exact decimals, so 1e308 would
# come back as an integer; NaN and infinities are refused (tested above).
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(min_value=-1e9, max_value=1e9)
    | st.text(max_size=250)
)


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    details=st.dictionaries(
        st.text(max_size=45), scalars | st.lists(scalars, max_size=55), max_size=22
    )
)
def test_any_details_are_either_stored_as_given_or_refused_cleanly(admin, details):
    try:
        with transaction.atomic():
            event = audit_record(
                organization=admin.organization, actor=admin, action="role_changed", details=details
            )
    except (ValueError, TypeError):
        return
    except IntegrityError as exc:  # pragma: no cover - a database refusal is a bug in the guard
        pytest.fail(f"the guard let through details the database refused: {exc}")
    event.refresh_from_db()
    assert event.details == details


# --- Erasure -------------------------------------------------------------------------------


def test_anonymising_a_person_removes_their_name_and_address_but_keeps_what_happened(
    admin, member, lead
):
    by_member = audit_record(
        organization=member.organization,
        actor=member,
        action="token_created",
        target=member,
        ip="198.51.100.1",
    )
    about_member = audit_record(
        organization=admin.organization,
        actor=admin,
        action="role_changed",
        target=member,
        ip="192.0.2.1",
    )
    unrelated = audit_record(
        organization=admin.organization, actor=admin, action="role_changed", target=lead
    )

    assert audit_anonymise_actor(person=member) == 3  # by_member counts as actor and as target

    by_member.refresh_from_db()
    about_member.refresh_from_db()
    unrelated.refresh_from_db()
    assert (by_member.actor_label, by_member.target_label, by_member.ip) == (
        ERASED_LABEL,
        ERASED_LABEL,
        None,
    )
    assert (about_member.actor_label, about_member.target_label, about_member.ip) == (
        "Ada Admin",
        ERASED_LABEL,
        "192.0.2.1",
    )
    assert (unrelated.actor_label, unrelated.target_label) == ("Ada Admin", "Lee Lead")
    assert AuditEvent.objects.filter(action="role_changed").count() == 2


def test_the_log_survives_the_erased_person_row(admin, member):
    audit_record(organization=member.organization, actor=member, action="token_created")
    audit_record(
        organization=admin.organization, actor=admin, action="person_erased", target=member
    )
    audit_anonymise_actor(person=member)
    member.user.delete()  # deletes the person too

    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.actor_id, e.actor_label, e.target_label) for e in events] == [
        ("token_created", None, ERASED_LABEL, ""),
        ("person_erased", admin.pk, "Ada Admin", ERASED_LABEL),
    ]


def test_anonymising_never_touches_another_organisations_person_with_the_same_id(admin, outsider):
    other = PersonFactory(organization=outsider.organization, display_name="Same Id Elsewhere")
    audit_record(
        organization=outsider.organization, actor=outsider, action="role_changed", target=other
    )
    mine = PersonFactory(organization=admin.organization)
    # Point a local event at the other organisation's person id: only the tenancy filter
    # keeps the two apart.
    AuditEvent.objects.filter(organization=outsider.organization).update(target_id=mine.pk)
    audit_anonymise_actor(person=mine)
    assert (
        AuditEvent.objects.get(organization=outsider.organization).target_label
        == "Same Id Elsewhere"
    )
