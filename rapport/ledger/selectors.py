"""Reads of the ledger: tie strength between people.

Tie strength between two people is the exponentially decayed sum of the weights of all
their interactions, in either direction: an interaction `age` days old counts
`weight * 0.5 ** (age / half_life)`. It is computed inside the database by one
aggregate query (the SQL differs only in how each database measures an age).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from rapport.people.models import Organization, Person

from .models import Interaction

#: A tie at least this strong is a "strong tie" (about two kind interactions a week lately);
#: fewer than three of them is what DESIGN.md calls isolation.
STRONG_TIE = 3.0


@dataclass(frozen=True, slots=True)
class Tie:
    person_a_id: int  # the smaller id of the two
    person_b_id: int
    strength: float


@dataclass(frozen=True, slots=True)
class PersonTie:
    person: Person
    strength: float


def _age_seconds_sql() -> str:
    """SQL for the age of a row at the `as_of` parameter, in seconds."""
    if connection.vendor == "postgresql":
        # date_part is double precision; EXTRACT is numeric since PostgreSQL 14, which makes
        # every EXP and SUM arbitrary-precision and the whole-org aggregate 6x slower.
        return "date_part('epoch', %(as_of)s::timestamptz - occurred_at)"
    return "(julianday(%(as_of)s) - julianday(occurred_at)) * 86400.0"


def _as_of_param(as_of: datetime) -> datetime | str:
    if connection.vendor == "postgresql":
        return as_of
    # SQLite stores UTC datetimes as ISO text; julianday() reads the same shape.
    return as_of.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _decay_rate(organization: Organization) -> float:
    return -math.log(2) / (organization.half_life_days * 86400.0)


def _among_sql(column: str) -> str:
    """`column` is one of the ids in the parameter `among` (a list on PostgreSQL, bound as
    an array; JSON text on SQLite, read with json_each): any number of ids, one parameter."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%(among)s)"
    return f"{column} IN (SELECT value FROM json_each(%(among)s))"


def org_ties(
    *,
    organization: Organization,
    as_of: datetime | None = None,
    min_strength: float = 0.0,
    among: Collection[int] | None = None,
) -> list[Tie]:
    """Every tie in the organisation as of `as_of` (default: now), strongest first; with
    `among`, only ties between those people (a pairing pool reads its own ties only)."""
    as_of = as_of or timezone.now()
    lo, hi = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    among_filter = (
        f"AND {_among_sql('actor_id')} AND {_among_sql('other_id')}" if among is not None else ""
    )
    sql = f"""
        SELECT {lo}(actor_id, other_id), {hi}(actor_id, other_id),
               SUM(weight * EXP(%(rate)s * {_age_seconds_sql()})) AS strength
        FROM {Interaction._meta.db_table}
        WHERE organization_id = %(org)s AND occurred_at <= %(as_of_dt)s {among_filter}
        GROUP BY 1, 2
        HAVING SUM(weight * EXP(%(rate)s * {_age_seconds_sql()})) > %(min)s
        ORDER BY strength DESC, 1, 2
    """
    params: dict[str, Any] = {
        "rate": _decay_rate(organization),
        "as_of": _as_of_param(as_of),
        "as_of_dt": _as_of_param(as_of),
        "org": organization.pk,
        "min": min_strength,
    }
    if among is not None:
        ids = sorted({int(i) for i in among})
        params["among"] = ids if connection.vendor == "postgresql" else json.dumps(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Tie(a, b, s) for a, b, s in cursor.fetchall()]


def person_ties(
    *, person: Person, as_of: datetime | None = None, limit: int = 20
) -> list[PersonTie]:
    """The person's strongest ties as of `as_of`, strongest first (two queries in all)."""
    as_of = as_of or timezone.now()
    sql = f"""
        SELECT CASE WHEN actor_id = %(me)s THEN other_id ELSE actor_id END AS them,
               SUM(weight * EXP(%(rate)s * {_age_seconds_sql()})) AS strength
        FROM {Interaction._meta.db_table}
        WHERE (actor_id = %(me)s OR other_id = %(me)s) AND occurred_at <= %(as_of_dt)s
        GROUP BY 1
        ORDER BY strength DESC, 1
        LIMIT %(limit)s
    """
    params = {
        "me": person.pk,
        "rate": _decay_rate(person.organization),
        "as_of": _as_of_param(as_of),
        "as_of_dt": _as_of_param(as_of),
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    people = Person.objects.select_related("user").in_bulk([them for them, _ in rows])
    return [PersonTie(people[them], strength) for them, strength in rows if them in people]


def strong_tie_counts(
    *,
    organization: Organization,
    people_ids: list[int],
    as_of: datetime | None = None,
    threshold: float = STRONG_TIE,
) -> dict[int, int]:
    """For each of `people_ids`, how many people they have a strong tie with (one query)."""
    if not people_ids:
        return {}
    as_of = as_of or timezone.now()
    ids = ", ".join(["%s"] * len(people_ids))
    decayed = f"weight * EXP(%s * {_age_seconds_sql().replace('%(as_of)s', '%s')})"
    sql = f"""
        SELECT me, COUNT(*) FROM (
            SELECT me, them FROM (
                SELECT actor_id AS me, other_id AS them, {decayed} AS w
                FROM {Interaction._meta.db_table}
                WHERE organization_id = %s AND actor_id IN ({ids}) AND occurred_at <= %s
                UNION ALL
                SELECT other_id AS me, actor_id AS them, {decayed} AS w
                FROM {Interaction._meta.db_table}
                WHERE organization_id = %s AND other_id IN ({ids}) AND occurred_at <= %s
            ) AS directed
            GROUP BY me, them
            HAVING SUM(w) >= %s
        ) AS strong
        GROUP BY me
    """
    rate, moment = _decay_rate(organization), _as_of_param(as_of)
    half = [rate, moment, organization.pk, *people_ids, moment]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*half, *half, threshold])
        counts = dict(cursor.fetchall())
    return {pk: counts.get(pk, 0) for pk in people_ids}
