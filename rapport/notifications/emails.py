"""Notification emails: a plain-text and an HTML part, a neutral subject, and a one-click
unsubscribe link per type that works without signing in.

Each email has a Message-ID derived from the notification (or digest), so in the rare case
that a worker dies after the mail server accepted a message but before it was recorded as
sent, the retry sends a message with the same Message-ID and mail clients show one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac

from rapport.people.models import Person

from .models import Digest, Notification
from .types import NotificationType, type_info

UNSUBSCRIBE_SALT = "rapport.notifications.unsubscribe"
#: In an unsubscribe token, "every type": the link at the foot of a digest.
ALL_TYPES = "*"


def unsubscribe_token(person_id: int, type_: str) -> str:
    """A signed token naming a person and a type; it never expires (unsubscribe links in
    old emails must keep working) and changes nothing until its page is confirmed."""
    return signing.dumps({"p": person_id, "t": type_}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(person id, type) from a token; raises signing.BadSignature for anything forged."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict):
        raise signing.BadSignature("Not an unsubscribe token")
    person_id, type_ = data.get("p"), data.get("t")
    if not isinstance(person_id, int) or not isinstance(type_, str):
        raise signing.BadSignature("Not an unsubscribe token")
    if type_ != ALL_TYPES and type_ not in NotificationType.values:
        raise signing.BadSignature("Unknown notification type")
    return person_id, type_


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _message_id(kind: str, pk: int) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "rapport.localhost"
    # Keyed by the site's secret so two Rapports never produce the same id.
    tag = salted_hmac("rapport.notifications.message-id", f"{kind}:{pk}").hexdigest()[:16]
    return f"<rapport.{kind}.{pk}.{tag}@{host}>"


def _message(
    *,
    person: Person,
    subject: str,
    template: str,
    context: dict[str, Any],
    unsubscribe_url: str,
    message_id: str,
) -> EmailMultiAlternatives:
    context = {
        **context,
        "person": person,
        "site_url": settings.SITE_URL,
        "settings_url": absolute(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.user.email],
        headers={
            "Message-ID": message_id,
            # RFC 2369 and RFC 8058: mail clients show an "Unsubscribe" button that POSTs here.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # RFC 3834: an automatic message, which auto-responders should not answer.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    person = notification.recipient
    info = type_info(notification.type)
    token = unsubscribe_token(person.pk, notification.type)
    return _message(
        person=person,
        subject=info.subject,
        template="notification",
        context={
            "notification": notification,
            "private": info.private,
            "type_label": NotificationType(notification.type).label,
            "open_url": absolute(reverse("notifications:open", args=[notification.pk])),
        },
        unsubscribe_url=absolute(reverse("notifications:unsubscribe", args=[token])),
        message_id=_message_id("notification", notification.pk),
    )


def digest_email(digest: Digest, notifications: Sequence[Notification]) -> EmailMultiAlternatives:
    person = digest.person
    items = [
        {
            "notification": notification,
            "private": type_info(notification.type).private,
            "open_url": absolute(reverse("notifications:open", args=[notification.pk])),
        }
        for notification in notifications
    ]
    weekly = digest.period_key.startswith("weekly:")
    token = unsubscribe_token(person.pk, ALL_TYPES)
    return _message(
        person=person,
        subject="Your weekly summary from Rapport" if weekly else "Your daily summary from Rapport",
        template="digest",
        context={
            "items": items,
            "weekly": weekly,
            "inbox_url": absolute(reverse("notifications:inbox")),
        },
        unsubscribe_url=absolute(reverse("notifications:unsubscribe", args=[token])),
        message_id=_message_id("digest", digest.pk),
    )
