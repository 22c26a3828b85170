"""The interaction ledger: one row per thing that connected two people.

Rows are written only by `ledger.services`; every capability that connects people records
through it, and pairing, insights and Today read ties from here, never from each feature's
own tables.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Organization, Person

from .kinds import Kind


class InteractionQuerySet(TenantQuerySet["Interaction"]):
    def visible_to(self, viewer: Person) -> InteractionQuerySet:
        # An interaction is about two people; only they see it as a row.
        return self.in_organization(viewer.organization).filter(
            models.Q(actor=viewer) | models.Q(other=viewer)
        )


class Interaction(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interactions_made")
    other = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="interactions_received"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    weight = models.FloatField()
    occurred_at = models.DateTimeField(default=timezone.now)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["organization", "occurred_at"], name="ledger_org_time"),
            models.Index(fields=["actor", "occurred_at"], name="ledger_actor_time"),
            models.Index(fields=["other", "occurred_at"], name="ledger_other_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(actor=models.F("other")), name="ledger_two_people"
            ),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="ledger_weight_positive"),
            # Recording the same source twice is a no-op: tasks may run more than once.
            models.UniqueConstraint(
                "kind",
                "source_type",
                "source_id",
                "actor",
                "other",
                condition=models.Q(source_id__isnull=False),
                name="ledger_once_per_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.kind} {self.other_id} at {self.occurred_at:%Y-%m-%d}"
