"""The release log: which groups of people each viewer has been shown an aggregate about.

The gate (`privacy.gate`) needs the actual sets of person ids a viewer has seen figures for, to
refuse any later figure that would differ from them by fewer than k people. So each row keeps
the sorted ids of one released group. That list says who contributed to what (who checked in
in week 47, say): internal data for the gate alone, never shown on a page, in the API or in
Django's admin, and invisible through `visible_to`.

Rows are written only by `privacy.services`. One row per viewer, question, label and set of
people: showing the same figure again adds nothing. Rows are never pruned: a viewer remembers
what they were shown, so forgetting a release would reopen the subtraction it guards against.
The log grows only with genuinely new figures, and the gate reads each distinct set once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Organization, Person

from .gate import MIN_K, Kind


def members_digest(members: Iterable[int]) -> str:
    """A fixed-length key for a set of person ids (for uniqueness, not secrecy)."""
    return hashlib.sha256(",".join(map(str, sorted(members))).encode()).hexdigest()


class ReleaseQuerySet(TenantQuerySet["Release"]):
    def visible_to(self, viewer: Person) -> ReleaseQuerySet:
        # Nobody browses the log: it exists for the gate.
        return self.none()


class Release(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # No separate index: the unique constraint below starts with viewer.
    viewer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    question = models.CharField(max_length=200, db_index=True)
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=[(kind.value, kind.value) for kind in Kind])
    members = models.JSONField(help_text="Sorted ids of the people the released value is about.")
    members_digest = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["viewer", "question", "label", "members_digest"],
                name="privacy_release_once",
            ),
            models.CheckConstraint(
                condition=models.Q(size__gte=MIN_K), name="privacy_release_at_least_min_k"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} / {self.label} to {self.viewer_id} ({self.size} people)"
