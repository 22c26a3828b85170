"""The audit log: one row per sensitive action (who, what, when, to which object).

Rows are written only by `audit.services.audit_record` and never changed afterwards, with
one exception: erasing a person anonymises their name in the log
(`audit_anonymise_actor`). Labels are copies taken when the event happened, so the log still
reads correctly after the people and objects it mentions are gone.
"""

from __future__ import annotations

import json

from django.db import models
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Organization, Person

from .actions import Action

#: What the log shows instead of an erased person's name.
ERASED_LABEL = "Erased person"


class AuditEventQuerySet(TenantQuerySet["AuditEvent"]):
    def visible_to(self, viewer: Person) -> AuditEventQuerySet:
        # The log is the people team's: members and team leads see none of it.
        if not viewer.is_org_admin:
            return self.none()
        return self.in_organization(viewer.organization)


class AuditEvent(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who did it; empty for Rapport itself, or once the person is erased.",
    )
    actor_label = models.CharField(
        max_length=120, blank=True, help_text="The actor's name when it happened."
    )
    # No `choices`: the registry is `Action`, checked by the service, so that adding an action
    # (often, from many apps) needs no migration.
    action = models.CharField(max_length=40)
    target_type = models.CharField(
        max_length=40, blank=True, help_text="What kind of object, e.g. 'person', 'team'."
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_label = models.CharField(
        max_length=200, blank=True, help_text="The object's name when it happened."
    )
    details = models.JSONField(
        default=dict, blank=True, help_text="A few facts (counts, ids, flags); never free text."
    )
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="audit_org_time"),
            models.Index(
                fields=["organization", "action", "created_at"], name="audit_org_action_time"
            ),
        ]
        constraints = [
            # A target is a type and an id, or nothing at all.
            models.CheckConstraint(
                condition=models.Q(target_type="", target_id__isnull=True)
                | (~models.Q(target_type="") & models.Q(target_id__isnull=False)),
                name="audit_event_target_complete",
            ),
        ]

    def __str__(self) -> str:
        who = self.actor_label or "Rapport"
        return f"{self.action} by {who} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        try:
            return str(Action(self.action).label)
        except ValueError:  # an action since retired from the registry
            return self.action

    @property
    def details_json(self) -> str:
        return json.dumps(self.details, sort_keys=True, ensure_ascii=False)

    @property
    def details_shown(self) -> list[tuple[str, str]]:
        """The details as (name, text) pairs for people to read."""
        return [
            (key.replace("_", " "), _shown(value))
            for key, value in sorted(self.details.items())
            if value not in (None, "", [])
        ]


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)
