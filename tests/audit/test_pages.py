"""The audit log page, its filters and the CSV export, through HTTP."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.audit.actions import Action
from rapport.audit.models import AuditEvent
from rapport.audit.services import audit_record

from ..conftest import client_for
from ..factories import PersonFactory
from .factories import AuditEventFactory

pytestmark = pytest.mark.django_db

LOG = "/audit/"
EXPORT = "/audit/export/"


def _labels(response) -> list[str]:
    return [e.target_label for e in response.context["page"].object_list]


def test_the_log_is_mounted_at_audit():
    assert reverse("audit:log") == LOG
    assert reverse("audit:export") == EXPORT


def test_an_org_admin_sees_their_organisations_events_newest_first(org_admin_client, admin, member):
    audit_record(
        organization=admin.organization, actor=admin, action="invitation_sent", target=member
    )
    audit_record(organization=admin.organization, actor=admin, action="role_changed", target=member)
    response = org_admin_client.get(LOG)
    assert response.status_code == 200
    assert [e.action for e in response.context["page"].object_list] == [
        "role_changed",
        "invitation_sent",
    ]
    html = response.content.decode()
    assert "Role changed" in html and "Invitation sent" in html and "Mia Member" in html


@pytest.mark.parametrize("who", ["member", "lead"])
def test_members_and_team_leads_may_not_read_the_log(request, who, admin):
    audit_record(organization=admin.organization, actor=admin, action="role_changed", target=admin)
    client = client_for(request.getfixturevalue(who))
    assert client.get(LOG).status_code == 403
    assert client.post(EXPORT).status_code == 403
    assert AuditEvent.objects.count() == 1  # the refused export wrote nothing


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(LOG)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_organisations_events_are_never_shown(admin, outsider):
    PersonFactory(organization=admin.organization, display_name="Zelda Secretname")
    audit_record(
        organization=admin.organization,
        actor=admin,
        action="role_changed",
        target=PersonFactory(organization=admin.organization, display_name="Zelda Secretname"),
    )
    client = client_for(outsider)
    response = client.get(LOG)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "Zelda Secretname" not in response.content.decode()
    assert "Ada Admin" not in response.content.decode()
    export = client.post(EXPORT)
    assert "Zelda Secretname" not in export.content.decode()


def test_an_actor_of_another_organisation_is_not_a_valid_filter(org_admin_client, outsider, admin):
    audit_record(organization=outsider.organization, actor=outsider, action="role_changed")
    response = org_admin_client.get(LOG, {"actor": outsider.pk})
    assert response.status_code == 200
    assert response.context["page"] is None
    assert "Choose one of the people in the list" in response.content.decode()
    assert "Otto Outsider" not in response.content.decode()


def test_filters_by_action_person_and_object_name(org_admin_client, admin, member, lead, team):
    other_admin = PersonFactory(
        organization=admin.organization, display_name="Bo Admin", is_org_admin=True
    )
    audit_record(organization=admin.organization, actor=admin, action="role_changed", target=member)
    audit_record(
        organization=admin.organization, actor=other_admin, action="role_changed", target=lead
    )
    audit_record(
        organization=admin.organization, actor=admin, action="invitation_sent", target=lead
    )
    audit_record(
        organization=admin.organization, actor=admin, action="settings_changed", target=team
    )

    assert _labels(org_admin_client.get(LOG, {"action": "role_changed"})) == [
        "Lee Lead",
        "Mia Member",
    ]
    assert _labels(org_admin_client.get(LOG, {"actor": other_admin.pk})) == ["Lee Lead"]
    assert _labels(org_admin_client.get(LOG, {"q": "lee"})) == ["Lee Lead", "Lee Lead"]
    assert _labels(org_admin_client.get(LOG, {"q": "plat"})) == ["Platform"]
    both = {"action": "role_changed", "actor": admin.pk, "q": "mia"}
    assert _labels(org_admin_client.get(LOG, both)) == ["Mia Member"]


def test_the_person_filter_lists_only_people_who_did_something(org_admin_client, admin, member):
    audit_record(organization=admin.organization, actor=admin, action="role_changed", target=member)
    choices = [
        label for _, label in org_admin_client.get(LOG).context["form"].fields["actor"].choices
    ]
    assert choices == ["Anyone", "Ada Admin"]


def test_the_date_range_uses_the_viewers_days_across_a_dst_change(admin, org):
    admin.time_zone = "America/New_York"
    admin.save(update_fields=["time_zone"])
    client = client_for(admin)

    def at(day: int, hour: int, minute: int) -> None:
        when = datetime(2025, 3, day, hour, minute, tzinfo=UTC)
        AuditEventFactory(organization=org, target_label=when.isoformat(), created_at=when)

    at(9, 4, 59)  # 23:59 on 8 March in New York (EST, UTC-5)
    at(9, 5, 0)  # 00:00 on 9 March (EST)
    at(10, 3, 59)  # 23:59 on 9 March (EDT, UTC-4 since 02:00 that day)
    at(10, 4, 0)  # 00:00 on 10 March (EDT)

    one_day = _labels(client.get(LOG, {"since": "2025-03-09", "until": "2025-03-09"}))
    assert one_day == ["2025-03-10T03:59:00+00:00", "2025-03-09T05:00:00+00:00"]
    assert len(_labels(client.get(LOG, {"since": "2025-03-09"}))) == 3
    assert len(_labels(client.get(LOG, {"until": "2025-03-08"}))) == 1


@pytest.mark.parametrize(
    "params, message",
    [
        ({"action": "made_coffee"}, "Choose one of the actions in the list"),
        ({"actor": "abc"}, "Choose one of the people in the list"),
        ({"actor": "99999999999999999999999"}, "Choose one of the people in the list"),
        ({"since": "2025-02-30"}, "Enter a real date, like 2025-03-31"),
        ({"until": "yesterday"}, "Enter a real date, like 2025-03-31"),
        ({"since": "2025-03-02", "until": "2025-03-01"}, "on or after the start date"),
        ({"q": "x" * 101}, "at most 100 characters"),
        ({"q": "nul\x00byte"}, "Null characters are not allowed"),
    ],
)
def test_bad_filters_get_a_clear_message_not_an_error(org_admin_client, admin, params, message):
    AuditEventFactory(organization=admin.organization)
    response = org_admin_client.get(LOG, params)
    assert response.status_code == 200
    assert response.context["page"] is None
    html = response.content.decode()
    assert "These filters can" in html and "nothing is shown" in html
    assert message in html


def test_extreme_dates_are_fine(org_admin_client, admin):
    AuditEventFactory(organization=admin.organization)
    response = org_admin_client.get(LOG, {"since": "0001-01-01", "until": "9999-12-31"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    params=st.dictionaries(
        st.sampled_from(["action", "actor", "since", "until", "q", "page"]),
        st.text(max_size=30) | st.integers().map(str) | st.dates().map(str),
    )
)
def test_no_query_string_breaks_the_page(org_admin_client, params):
    assert org_admin_client.get(LOG, params).status_code == 200


def test_an_htmx_request_gets_only_the_results(org_admin_client, admin):
    audit_record(organization=admin.organization, actor=admin, action="role_changed", target=admin)
    response = org_admin_client.get(LOG, {"action": "role_changed"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Role changed" in html
    assert "<html" not in html and "<table" in html


def test_the_log_paginates_and_keeps_the_filters_in_page_links(org_admin_client, admin):
    AuditEventFactory.create_batch(30, organization=admin.organization, action="role_changed")
    AuditEventFactory.create_batch(3, organization=admin.organization, action="invitation_sent")
    first = org_admin_client.get(LOG, {"action": "role_changed"})
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.count == 30
    assert "?action=role_changed&amp;page=2" in first.content.decode()
    second = org_admin_client.get(LOG, {"action": "role_changed", "page": 2})
    assert len(second.context["page"].object_list) == 5
    for bad in ["abc", "-1", "0", "999999999999999999999"]:
        assert org_admin_client.get(LOG, {"page": bad}).status_code == 200


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_uses_the_same_number_of_queries_for_3_or_30_events(org_admin_client, admin):
    def events(n: int) -> None:
        for _ in range(n):
            actor = PersonFactory(organization=admin.organization)
            AuditEventFactory(organization=admin.organization, actor=actor, details={"n": 1})

    events(3)
    few = _queries(org_admin_client, LOG)
    events(27)
    assert _queries(org_admin_client, LOG) == few
    filtered = {"action": "role_changed", "actor": admin.pk, "since": "2020-01-01", "q": "team"}
    AuditEventFactory(organization=admin.organization, actor=admin)
    few_filtered = _queries(org_admin_client, LOG, filtered)
    AuditEventFactory.create_batch(29, organization=admin.organization, actor=admin)
    assert _queries(org_admin_client, LOG, filtered) == few_filtered


# --- CSV export -----------------------------------------------------------------------------


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_an_org_admin_exports_the_filtered_log_as_csv_and_that_is_audited(
    org_admin_client, admin, member, lead
):
    audit_record(organization=admin.organization, actor=admin, action="role_changed", target=member)
    audit_record(organization=admin.organization, actor=admin, action="role_changed", target=lead)
    audit_record(
        organization=admin.organization, actor=admin, action="invitation_sent", target=lead
    )

    rows = _csv(
        org_admin_client.post(
            EXPORT, {"action": "role_changed", "q": "lee"}, REMOTE_ADDR="203.0.113.9"
        )
    )

    assert [(r["action"], r["actor"], r["target_type"], r["target"]) for r in rows] == [
        ("role_changed", "Ada Admin", "person", "Lee Lead")
    ]
    assert rows[0]["time_utc"].endswith("+00:00")
    exported = AuditEvent.objects.get(action=Action.AUDIT_EXPORTED)
    assert (exported.actor, exported.ip) == (admin, "203.0.113.9")
    assert exported.details == {
        "action": "role_changed",
        "actor_id": None,
        "since": None,
        "until": None,
        "searched": True,
        "rows": 1,
    }


def test_the_export_is_itself_in_the_next_export(org_admin_client, admin):
    assert _csv(org_admin_client.post(EXPORT)) == []
    rows = _csv(org_admin_client.post(EXPORT))
    assert [r["action"] for r in rows] == ["audit_exported"]
    assert AuditEvent.objects.filter(action="audit_exported").count() == 2


def test_the_export_defuses_spreadsheet_formulas(org_admin_client, admin):
    AuditEventFactory(organization=admin.organization, target_label='=HYPERLINK("http://x")')
    rows = _csv(org_admin_client.post(EXPORT))
    assert rows[0]["target"] == '\'=HYPERLINK("http://x")'


def test_an_export_with_bad_filters_exports_and_records_nothing(org_admin_client, admin):
    response = org_admin_client.post(EXPORT, {"since": "soon"}, follow=True)
    assert response.redirect_chain[-1][0] == LOG
    assert "Nothing was exported" in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_the_export_needs_a_post(org_admin_client):
    assert org_admin_client.get(EXPORT).status_code == 405
    assert not AuditEvent.objects.exists()


def test_the_export_query_count_does_not_grow_with_events(org_admin_client, admin):
    AuditEventFactory.create_batch(3, organization=admin.organization, actor=admin)
    with CaptureQueriesContext(connection) as few:
        _csv(org_admin_client.post(EXPORT))
    AuditEventFactory.create_batch(30, organization=admin.organization, actor=admin)
    with CaptureQueriesContext(connection) as more:
        _csv(org_admin_client.post(EXPORT))
    assert len(more.captured_queries) == len(few.captured_queries)
