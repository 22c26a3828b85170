"""Writes to the audit log: record an event, and anonymise an erased person's name.

There is deliberately no service that edits or deletes an event: the log is append-only.

What may never be logged (DESIGN.md, "Privacy" and "Care is sealed"): admins read this log,
so nothing private to one person may reach it. `audit_record` refuses targets from the
sealed apps below and details that look like free text, and it raises instead of quietly
dropping the event, so the action that wanted to log it fails in its own transaction and a
test catches the mistake.
"""

from __future__ import annotations

import ipaddress
import json
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from rapport.people.models import Organization, Person

from .actions import Action
from .models import ERASED_LABEL, AuditEvent

#: Apps whose objects are private to individuals: Care is sealed (only the client and their
#: therapist see it); check-in notes and roadblocks are never shown to managers or admins.
#: An audit event about one of their objects would carry its label to the people team.
SEALED_APPS: frozenset[str] = frozenset({"care", "checkins", "roadblocks"})

#: Detail keys that would hold someone's own words. Details are facts, not text.
FREE_TEXT_KEYS: frozenset[str] = frozenset(
    {
        "body",
        "comment",
        "comments",
        "content",
        "intake",
        "message",
        "note",
        "notes",
        "password",
        "secret",
        "text",
    }
)
MAX_DETAIL_KEYS = 20
MAX_DETAIL_KEY_LENGTH = 40
MAX_DETAIL_TEXT = 200
MAX_DETAIL_LIST = 50
MAX_DETAILS_SIZE = 2000  # characters of JSON

#: Short names for models whose own name reads badly in the log.
TARGET_TYPES: dict[str, str] = {"personalaccesstoken": "token"}

Scalar = str | int | float | bool | None


class SealedDataError(ValueError):
    """Someone tried to put private or sealed data into the audit log (a bug, never input)."""


def audit_record(
    *,
    organization: Organization,
    actor: Person | None,
    action: Action | str,
    target: models.Model | None = None,
    target_label: str | None = None,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Record that `actor` (None: Rapport itself) did `action` to `target`. One INSERT.

    Call it inside the service's own transaction, so the event exists exactly when the
    action happened. The target's type, id and label are taken from the instance (its
    `str()`, unless `target_label` says otherwise: pass one when `str()` could show
    something personal, e.g. a token's name). `details` is a flat dict of small facts.
    """
    action = Action(action)
    if actor is not None and actor.organization_id != organization.pk:
        raise ValueError("The actor must belong to the organisation whose log this is.")
    target_type, target_id = "", None
    if target is not None:
        target_type, target_id = _target_of(target, organization)
        if target_label is None:
            target_label = str(target)
    event = AuditEvent(
        organization=organization,
        actor=actor,
        actor_label=actor.display_name[:120] if actor is not None else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=(target_label or "")[:200],
        details=_checked_details(details or {}),
        ip=_valid_ip(ip),
    )
    # No FK or constraint checks here: they would cost queries, and the database enforces both.
    event.full_clean(exclude=["organization", "actor"], validate_constraints=False)
    event.save(force_insert=True)
    return event


@transaction.atomic
def audit_anonymise_actor(*, person: Person) -> int:
    """Replace the person's name (and IP addresses) in the log; returns events changed.

    Part of erasing a person: call it before the Person row goes, while the log can still
    find their events. What they did and what was done to them stays in the log, without
    saying who they were. Record `person_erased` first, so that event is anonymised too.
    """
    as_actor = AuditEvent.objects.filter(actor=person).update(actor_label=ERASED_LABEL, ip=None)
    as_target = AuditEvent.objects.filter(
        organization_id=person.organization_id, target_type="person", target_id=person.pk
    ).update(target_label=ERASED_LABEL)
    return as_actor + as_target


def _target_of(target: models.Model, organization: Organization) -> tuple[str, int]:
    meta = target._meta
    module = type(target).__module__ + "."
    if meta.app_label in SEALED_APPS or module.startswith(
        tuple(f"rapport.{app}." for app in SEALED_APPS)
    ):
        raise SealedDataError(
            f"{meta.label} is private to individuals and may never appear in the audit log."
        )
    if not isinstance(target.pk, int):
        raise ValueError(f"Only saved objects with integer ids can be audited, not {target!r}.")
    owner = getattr(target, "organization_id", None)
    if owner is not None and owner != organization.pk:
        raise ValueError("The target must belong to the organisation whose log this is.")
    model_name = meta.model_name or type(target).__name__.lower()
    return TARGET_TYPES.get(model_name, model_name), target.pk


def _checked_details(details: dict[str, Any]) -> dict[str, Any]:
    """A flat dict of short scalars (or short lists of them): facts, never someone's words."""
    if not isinstance(details, dict):
        raise TypeError("details must be a dict")
    if len(details) > MAX_DETAIL_KEYS:
        raise ValueError(f"At most {MAX_DETAIL_KEYS} details per event.")
    for key, value in details.items():
        if not isinstance(key, str) or not 0 < len(key) <= MAX_DETAIL_KEY_LENGTH or "\x00" in key:
            raise ValueError(f"Detail keys are short strings, not {key!r}.")
        if key.lower() in FREE_TEXT_KEYS:
            raise SealedDataError(f"'{key}' would put free text in the audit log.")
        values = value if isinstance(value, list | tuple) else [value]
        if isinstance(value, list | tuple) and len(value) > MAX_DETAIL_LIST:
            raise ValueError(f"Detail '{key}' lists more than {MAX_DETAIL_LIST} values.")
        for item in values:
            _check_scalar(key, item)
    checked = {key: list(v) if isinstance(v, tuple) else v for key, v in details.items()}
    if len(json.dumps(checked)) > MAX_DETAILS_SIZE:
        raise ValueError(f"Details are for a few facts, at most {MAX_DETAILS_SIZE} characters.")
    return checked


def _check_scalar(key: str, value: object) -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"Detail '{key}' is not a finite number.")
        return
    if isinstance(value, str):
        if len(value) > MAX_DETAIL_TEXT:
            raise SealedDataError(
                f"Detail '{key}' is {len(value)} characters: the log keeps facts, not text."
            )
        if "\x00" in value:
            raise ValueError(f"Detail '{key}' contains a NUL character.")
        return
    raise TypeError(f"Detail '{key}' must be text, a number, true/false or null, not {value!r}.")


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, for `audit_record(ip=...)`.

    REMOTE_ADDR only: behind a proxy, configure it (or the WSGI server) to set REMOTE_ADDR
    from the forwarded header it trusts; a client-sent X-Forwarded-For proves nothing.
    """
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def _valid_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return None
