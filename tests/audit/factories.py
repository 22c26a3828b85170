"""Audit events for read-side tests; code under test records through audit.services."""

from __future__ import annotations

import factory
from django.utils import timezone

from rapport.audit.actions import Action
from rapport.audit.models import AuditEvent

from ..factories import OrganizationFactory


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    organization = factory.SubFactory(OrganizationFactory)
    actor = None
    actor_label = factory.LazyAttribute(lambda o: o.actor.display_name if o.actor else "")
    action = Action.ROLE_CHANGED
    target_type = "team"
    target_id = factory.Sequence(lambda n: n + 1)
    target_label = factory.Sequence(lambda n: f"Team {n}")
    details = factory.LazyFunction(dict)
    created_at = factory.LazyFunction(timezone.now)
