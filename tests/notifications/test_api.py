"""The notifications API: inbox, marking read and preferences."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.accounts.tokens import token_create
from rapport.notifications.models import NotificationPreference, NotificationSettings
from rapport.notifications.types import NotificationType

from ..conftest import client_for
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db

NOTIFICATIONS = "/api/v1/notifications"
PREFERENCES = "/api/v1/notifications/preferences"


def test_my_inbox_newest_first_in_pages(member_client, member, lead):
    for n in range(3):
        NotificationFactory(recipient=member, title=f"N{n}")
    NotificationFactory(recipient=lead, title="Not mine")
    body = member_client.get(NOTIFICATIONS, {"page_size": 2}).json()
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 2)
    assert [item["title"] for item in body["items"]] == ["N2", "N1"]
    item = body["items"][0]
    assert set(item) == {"id", "type", "title", "body", "url", "created_at", "read_at", "unread"}
    assert item["unread"] is True and item["type"] == "system"


def test_only_unread_and_the_unread_count(member_client, member):
    NotificationFactory(recipient=member, title="Read", read_at="2025-01-01T00:00Z")
    NotificationFactory(recipient=member, title="Unread")
    body = member_client.get(NOTIFICATIONS, {"unread": "true"}).json()
    assert [item["title"] for item in body["items"]] == ["Unread"]
    assert member_client.get(f"{NOTIFICATIONS}/unread-count").json() == {"unread": 1}


def test_the_list_uses_as_many_queries_for_3_as_for_30(member):
    client = client_for(member)
    NotificationFactory.create_batch(3, recipient=member)
    with CaptureQueriesContext(connection) as few:
        client.get(NOTIFICATIONS)
    NotificationFactory.create_batch(27, recipient=member)
    with CaptureQueriesContext(connection) as many:
        client.get(NOTIFICATIONS)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_mark_one_read(member_client, member):
    notification = NotificationFactory(recipient=member)
    response = member_client.post(f"{NOTIFICATIONS}/{notification.pk}/read")
    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["read_at"] is not None


@pytest.mark.parametrize("owner_fixture", ["lead", "outsider"])
def test_someone_elses_notification_is_a_json_404(member_client, request, owner_fixture):
    notification = NotificationFactory(recipient=request.getfixturevalue(owner_fixture))
    response = member_client.post(f"{NOTIFICATIONS}/{notification.pk}/read")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(member_client, member):
    NotificationFactory.create_batch(2, recipient=member)
    assert member_client.post(f"{NOTIFICATIONS}/read-all").json() == {"marked": 2}
    assert member_client.post(f"{NOTIFICATIONS}/read-all").json() == {"marked": 0}


def test_a_token_works_and_no_credentials_is_a_401(member):
    _token, secret = token_create(user=member.user, name="script")
    assert Client().get(NOTIFICATIONS, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    response = Client().get(NOTIFICATIONS)
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_preferences_read_and_replace(member_client, member):
    body = member_client.get(PREFERENCES).json()
    assert body["digest"] == "off" and body["quiet_hours_start"] == "20:00:00"
    prompt = next(c for c in body["channels"] if c["type"] == "checkin_prompt")
    assert prompt["channel"] == prompt["default_channel"] == "in_app"

    response = member_client.put(
        PREFERENCES,
        {
            "channels": {"checkin_prompt": "both", "system": "off"},
            "quiet_hours_start": "22:30",
            "quiet_hours_end": "06:45",
            "respect_working_days": False,
            "digest": "daily",
            "digest_hour": 7,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["digest"] == "daily" and body["quiet_hours_end"] == "06:45:00"
    channels = {c["type"]: c["channel"] for c in body["channels"]}
    assert channels["checkin_prompt"] == "both" and channels["system"] == "off"
    assert channels["welcome"] == "both"  # left out: unchanged
    assert NotificationPreference.objects.filter(person=member).count() == 2


@pytest.mark.parametrize(
    "change,field",
    [
        ({"channels": {"made_up": "both"}}, "channels.made_up.[key]"),
        ({"channels": {"system": "loud"}}, "channels.system"),
        ({"quiet_hours_end": None}, "quiet_hours_end"),
        ({"quiet_hours_end": "22:30"}, "quiet_hours_end"),
        ({"digest_hour": 24}, "digest_hour"),
        ({"digest": "hourly"}, "digest"),
        ({"quiet_hours_start": "22:30+02:00"}, "quiet_hours_start"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_preferences_are_a_422_that_changes_nothing(member_client, member, change, field):
    payload = {
        "channels": {},
        "quiet_hours_start": "22:30",
        "quiet_hours_end": "06:45",
        "respect_working_days": True,
        "digest": "off",
        "digest_hour": 9,
    } | change
    response = member_client.put(PREFERENCES, payload, content_type="application/json")
    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert field in {error["field"] for error in body["errors"]}
    assert not NotificationSettings.objects.exists()
    assert not NotificationPreference.objects.exists()


def test_types_are_listed_in_the_registry_order(member_client):
    body = member_client.get(PREFERENCES).json()
    assert [c["type"] for c in body["channels"]] == list(NotificationType.values)
