"""What the audit log says a person did. On erasure the events stay (the organisation's
record of what happened) but no longer say who they were."""

from __future__ import annotations

from typing import Any

from rapport.people.data_rights import register
from rapport.people.models import Person

from .actions import Action
from .models import AuditEvent
from .services import audit_anonymise_actor


def _label(action: str) -> str:
    return Action(action).label if action in Action.values else action


def _export(person: Person) -> list[dict[str, Any]]:
    return [
        {"when": e.created_at.isoformat(), "action": _label(e.action), "about": e.target_label}
        for e in AuditEvent.objects.filter(actor=person).order_by("created_at", "pk")
    ]


def _erase(person: Person) -> None:
    audit_anonymise_actor(person=person)


register("audit_log", export=_export, erase=_erase)
