"""A person's inbox and notification preferences: exported whole, deleted on erasure."""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .models import Digest, Notification, NotificationPreference, NotificationSettings


def _export(person: Person) -> dict[str, Any]:
    settings = NotificationSettings.objects.filter(person=person).first()
    return {
        "inbox": [
            {
                "type": n.type,
                "title": n.title,
                "body": n.body,
                "link": n.url,
                "created": n.created_at.isoformat(),
                "read": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(recipient=person).order_by("created_at")
        ],
        "channels": {
            p.type: p.channel for p in NotificationPreference.objects.filter(person=person)
        },
        "quiet_hours": (
            [str(settings.quiet_hours_start), str(settings.quiet_hours_end)] if settings else None
        ),
        "digest": settings.digest if settings else None,
    }


def _erase(person: Person) -> None:
    Notification.objects.filter(recipient=person).delete()
    Digest.objects.filter(person=person).delete()
    NotificationPreference.objects.filter(person=person).delete()
    NotificationSettings.objects.filter(person=person).delete()


register("notifications", export=_export, erase=_erase)
