"""Releasing aggregates about people: the only way a figure about a group reaches a viewer.

Every page, API endpoint, digest or export that shows a number or text about a group of people
builds `Group`s (who the value is about, and how to compute it) and calls `release_aggregates`
(or `release_aggregate` for one). This adapter reads the organisation's threshold, loads what
the viewer has been shown before, asks the pure gate (`privacy.gate`) what may be shown, and
records what was shown, all in one transaction.

Racing requests: two requests of one viewer could each read the history before the other
records, and together show two figures the gate would never show one after the other. So the
viewer's Person row is locked (`SELECT ... FOR UPDATE`) before the history is read; a second
request for the same viewer waits until the first has committed its releases. On SQLite every
transaction takes the database's write lock when it starts, which serialises them the same way.
The `compute` functions run inside that transaction, so keep them to the queries they need.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from rapport.people.models import Organization, Person

from .gate import Group, Kind, Result, clamp_k, decide
from .models import Release, members_digest

V = TypeVar("V")

MAX_KEY_LENGTH = 200  # Release.question and Release.label


def effective_k(organization: Organization) -> int:
    """The anonymity threshold the gate applies: the organisation's, never below 3."""
    return clamp_k(organization.anonymity_threshold)


@transaction.atomic
def release_aggregates(
    *,
    viewer: Person,
    question: str,
    groups: Sequence[Group[V]],
    organization: Organization,
) -> dict[str, Result[V]]:
    """What `viewer` may see of `groups`, by label, in the order given; records the releases.

    `question` names what is asked, stably, e.g. "team_mood:team=12:week=2026-W47"; together
    with a group's label it identifies a release in the log. Groups asked together are siblings
    for complementary suppression: pass a parent total and its teams in one call.
    """
    if viewer.organization_id != organization.pk:
        raise ValueError("The viewer must belong to the organisation the figures are about.")
    if not question or len(question) > MAX_KEY_LENGTH:
        raise ValueError(f"A question is 1 to {MAX_KEY_LENGTH} characters.")
    if any(not group.label or len(group.label) > MAX_KEY_LENGTH for group in groups):
        raise ValueError(f"A group label is 1 to {MAX_KEY_LENGTH} characters.")

    # Lock the viewer (see module docstring) and read the threshold as it is now, not as it
    # was when `organization` was loaded.
    threshold = (
        Person.objects.select_for_update(of=("self",))
        .filter(pk=viewer.pk)
        .values_list("organization__anonymity_threshold", flat=True)
        .get()
    )
    decision = decide(k=clamp_k(threshold), groups=groups, history=_history(viewer))
    Release.objects.bulk_create(
        [
            Release(
                organization_id=organization.pk,
                viewer_id=viewer.pk,
                question=question,
                label=group.label,
                kind=group.kind.value,
                members=sorted(group.members),
                members_digest=members_digest(group.members),
                size=len(group.members),
            )
            for group in decision.released
        ],
        ignore_conflicts=True,  # the same figure shown again is already in the log
    )
    return decision.by_label()


def release_aggregate(
    *,
    viewer: Person,
    question: str,
    label: str,
    members: Iterable[int],
    organization: Organization,
    value: V | None = None,
    compute: Callable[[frozenset[int]], V] | None = None,
    kind: Kind = Kind.FIGURE,
) -> Result[V]:
    """`release_aggregates` for a single group."""
    group = Group(label=label, members=frozenset(members), value=value, kind=kind, compute=compute)
    results = release_aggregates(
        viewer=viewer, question=question, groups=[group], organization=organization
    )
    return results[label]


def _history(viewer: Person) -> list[list[int]]:
    """Every distinct set of people the viewer has been shown a figure about, any question."""
    # Read as text and deduplicate here: DISTINCT over jsonb and decoding every row through
    # the JSONField were most of the cost of a release on PostgreSQL.
    texts = set(
        Release.objects.filter(viewer=viewer)
        .order_by()
        .annotate(members_text=Cast("members", TextField()))
        .values_list("members_text", flat=True)
    )
    return [json.loads(text) for text in texts]
