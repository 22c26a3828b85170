"""The inbox, the unread badge and notification settings, through HTTP."""

from __future__ import annotations

from datetime import time

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.notifications.context_processors import inbox
from rapport.notifications.models import (
    DigestFrequency,
    Notification,
    NotificationPreference,
    NotificationSettings,
)
from rapport.notifications.types import TYPES, Channel, NotificationType

from ..conftest import client_for
from .factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_the_inbox_shows_my_notifications_newest_first_and_nobody_elses(
    member_client, member, lead
):
    NotificationFactory(recipient=member, title="Older")
    NotificationFactory(recipient=member, title="Newer")
    NotificationFactory(recipient=lead, title="Not yours")
    NotificationFactory(recipient=member, title="Email only", in_app=False)
    response = member_client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert [n.title for n in response.context["page"].object_list] == ["Newer", "Older"]
    assert b"Not yours" not in response.content


def test_the_unread_filter_and_an_htmx_request_gets_the_list_only(member_client, member):
    NotificationFactory(recipient=member, title="Read one", read_at="2025-01-01T00:00Z")
    NotificationFactory(recipient=member, title="Unread one")
    response = member_client.get(
        reverse("notifications:inbox"), {"show": "unread"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Unread one" in html and "Read one" not in html
    assert "<html" not in html


def test_the_page_context_carries_the_unread_count_for_the_nav(member_client, member):
    NotificationFactory.create_batch(3, recipient=member)
    NotificationFactory(recipient=member, read_at="2025-01-01T00:00Z")
    response = member_client.get(reverse("notifications:inbox"))
    assert int(response.context["unread_count"]) == 3
    assert str(response.context["unread_count"]) == "3"


def test_the_unread_badge_stops_counting_at_99(member_client, member):
    NotificationFactory.create_batch(120, recipient=member)
    response = member_client.get(reverse("notifications:preferences"))
    assert str(response.context["unread_count"]) == "99+"


def test_mark_read_with_htmx_returns_the_entry_and_the_new_badge(member_client, member):
    first, _ = NotificationFactory.create_batch(2, recipient=member)
    response = member_client.post(
        reverse("notifications:read", args=[first.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in html and "Mark read" not in html
    assert 'id="inbox-unread"' in html and 'hx-swap-oob="true"' in html and ">1<" in html
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_read_without_htmx_goes_back_to_the_inbox(member_client, member):
    notification = NotificationFactory(recipient=member)
    response = member_client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:inbox")


def test_mark_all_read(member_client, member, lead):
    NotificationFactory.create_batch(3, recipient=member)
    theirs = NotificationFactory(recipient=lead)
    response = member_client.post(reverse("notifications:read_all"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(member_client, member):
    notification = NotificationFactory(recipient=member, url="/people/teams/")
    response = member_client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/people/teams/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_link_in_an_email_only_notification_works_too(member_client, member):
    notification = NotificationFactory(recipient=member, url="/people/", in_app=False)
    response = member_client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/people/"


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", ""])
def test_opening_never_redirects_outside_rapport(member_client, member, url):
    notification = NotificationFactory(recipient=member, url=url)
    response = member_client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.url == reverse("notifications:inbox")


@pytest.mark.parametrize("name,method", [("open", "get"), ("read", "post")])
def test_someone_elses_notification_is_not_found(member_client, lead, outsider, name, method):
    for owner in (lead, outsider):
        notification = NotificationFactory(recipient=owner)
        response = getattr(member_client, method)(
            reverse(f"notifications:{name}", args=[notification.pk])
        )
        assert response.status_code == 404
        notification.refresh_from_db()
        assert notification.read_at is None


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_inbox_uses_as_many_queries_for_3_as_for_30_notifications(member):
    client = client_for(member)
    url = reverse("notifications:inbox")
    NotificationFactory.create_batch(3, recipient=member)
    few = _queries(client, url)
    NotificationFactory.create_batch(27, recipient=member)
    assert _queries(client, url) == few


def test_the_nav_badge_costs_one_query_and_only_when_shown(member, rf):
    NotificationFactory.create_batch(5, recipient=member)
    request = rf.get("/")
    request.user, request.person = member.user, member
    with CaptureQueriesContext(connection) as ctx:
        context = inbox(request)
    assert len(ctx.captured_queries) == 0
    with CaptureQueriesContext(connection) as ctx:
        html = render_to_string("notifications/_unread_badge.html", context)
    assert len(ctx.captured_queries) == 1
    assert ">5<" in html and " hidden>" not in html


def _preferences_form(**overrides: str) -> dict[str, str]:
    defaults = {f"channel_{value}": info.default_channel for value, info in TYPES.items()}
    data = defaults | {
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "07:30",
        "respect_working_days": "on",
        "digest": "weekly",
        "digest_hour": "8",
        "channel_system": "both",
        "channel_welcome": "both",
        "channel_invitation_accepted": "off",
        "channel_checkin_prompt": "email",
    }
    return data | overrides


def test_preferences_page_shows_defaults_and_saves_choices(member_client, member):
    page = member_client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert page.context["form"]["channel_checkin_prompt"].value() == Channel.IN_APP
    response = member_client.post(reverse("notifications:preferences"), _preferences_form())
    assert response.status_code == 302
    settings_row = NotificationSettings.objects.get(person=member)
    assert (settings_row.quiet_hours_start, settings_row.quiet_hours_end) == (time(21), time(7, 30))
    assert (settings_row.digest, settings_row.digest_hour) == (DigestFrequency.WEEKLY, 8)
    # Only choices that differ from the defaults are stored.
    assert dict(NotificationPreference.objects.values_list("type", "channel")) == {
        NotificationType.INVITATION_ACCEPTED: Channel.OFF,
        NotificationType.CHECKIN_PROMPT: Channel.EMAIL,
    }


@pytest.mark.parametrize(
    "overrides",
    [
        {"quiet_hours_end": ""},
        {"quiet_hours_end": "21:00"},
        {"quiet_hours_start": "25:99"},
        {"digest": "hourly"},
        {"digest_hour": "24"},
        {"channel_system": "carrier-pigeon"},
    ],
)
def test_bad_preferences_change_nothing_and_say_why(member_client, member, overrides):
    response = member_client.post(
        reverse("notifications:preferences"), _preferences_form(**overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert b'role="alert"' in response.content
    assert not NotificationSettings.objects.exists()
    assert not NotificationPreference.objects.exists()


def test_no_quiet_hours_at_all(member_client, member):
    form = _preferences_form(quiet_hours_start="", quiet_hours_end="")
    assert member_client.post(reverse("notifications:preferences"), form).status_code == 302
    assert NotificationSettings.objects.get().quiet_hours_start is None


def test_send_me_a_test_notification(member_client, member, on_commit):
    with on_commit():
        response = member_client.post(reverse("notifications:send_test"), follow=True)
    assert b"A test notification is in your inbox" in response.content
    notification = Notification.objects.get(recipient=member)
    assert notification.type == NotificationType.SYSTEM
