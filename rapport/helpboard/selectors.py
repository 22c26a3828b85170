"""Reads for the help board, shaped for the pages and the API.

The board is built to stay fast in a large organisation: every list is one indexed query
on (organization, state, created) with its related rows fetched in a constant number of
extra queries, and lists are counted only up to rapport.lib.pagination.COUNT_CAP rows, like
every list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from rapport.feed.access import can_see
from rapport.feed.models import Post
from rapport.lib import pagination
from rapport.lib.pagination import capped_count
from rapport.lib.tenancy import get_for
from rapport.notifications.services import SILENT_STATUSES
from rapport.people.models import Person, Team

from .models import Capacity, CapacityStatus, HelpRequest, Offer, OfferState, RequestSkill, Skill

PAGE_SIZE = 20
PEOPLE_PAGE_SIZE = 12
SUGGESTED_SKILLS = 300


class MatchesFirst:
    """Requests matching the viewer's skills, newest first, then all the others, newest
    first: the order of `ORDER BY matches_me DESC, created_at DESC`, read as two queries
    that each walk an index and stop after a page, instead of one that must compute the
    match of every open request and sort them all. Sliced and counted like a queryset, so
    the paginators take it as it is."""

    def __init__(self, matching: QuerySet[HelpRequest], rest: QuerySet[HelpRequest]) -> None:
        self.matching = matching
        self.rest = rest

    @cached_property
    def matching_count(self) -> int:
        return capped_count(self.matching)

    def count(self) -> int:
        return min(pagination.COUNT_CAP, self.matching_count + capped_count(self.rest))

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[HelpRequest]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("MatchesFirst supports slices only")
        start = index.start or 0
        stop = index.stop if index.stop is not None else pagination.COUNT_CAP
        split = self.matching_count
        head: list[HelpRequest] = list(self.matching[start:stop]) if start < split else []
        tail: list[HelpRequest] = []
        if stop > split:
            tail = list(self.rest[max(0, start - split) : stop - split])
        for request in head:
            request.matches_me = True  # type: ignore[attr-defined]
        for request in tail:
            request.matches_me = False  # type: ignore[attr-defined]
        return head + tail


# --- capacity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillsOf:
    """People's help-board skills: all they listed, and those the board shows right now
    (only while they have room this week)."""

    listed: dict[int, frozenset[str]]
    shown: dict[int, frozenset[str]]


def skills_of(*, people_ids: Collection[int], now: datetime) -> SkillsOf:
    """Skills of many people in one query (pairing's introductions read them)."""
    listed: dict[int, set[str]] = {}
    shown: dict[int, set[str]] = {}
    rows = Capacity.skills.through.objects.filter(capacity__person_id__in=people_ids).values_list(
        "capacity__person_id", "skill__name", "capacity__status", "capacity__available_until"
    )
    for person_id, name, status, until in rows:
        listed.setdefault(person_id, set()).add(name)
        if status == CapacityStatus.AVAILABLE and until is not None and until > now:
            shown.setdefault(person_id, set()).add(name)
    return SkillsOf(
        listed={pk: frozenset(v) for pk, v in listed.items()},
        shown={pk: frozenset(v) for pk, v in shown.items()},
    )


def capacity_for(*, person: Person) -> Capacity:
    """The person's capacity, or an unsaved "not said yet" one (status steady, no skills)."""
    found = Capacity.objects.filter(person=person).prefetch_related(_skills_prefetch()).first()
    if found is not None:
        return found
    capacity = Capacity(person=person, organization_id=person.organization_id)
    capacity.skill_list = []  # type: ignore[attr-defined]
    return capacity


def _skills_prefetch() -> Prefetch:
    return Prefetch("skills", queryset=Skill.objects.order_by("name"), to_attr="skill_list")


def people_with_capacity(
    *, viewer: Person, skill: str = "", now: datetime | None = None
) -> QuerySet[Capacity]:
    """Colleagues who have capacity this week, most recently said first."""
    capacities = (
        Capacity.objects.in_organization(viewer.organization)
        .with_room(now=now)
        .filter(person__erased_at__isnull=True)
        .exclude(person__status__in=SILENT_STATUSES)
    )
    if skill:
        capacities = capacities.filter(skills__name=skill)
    return (
        capacities.select_related("person")
        .prefetch_related(_skills_prefetch())
        .order_by("-updated_at", "-id")
    )


def skill_suggestions(*, viewer: Person, prefix: str = "") -> list[str]:
    """Tags colleagues already use, for the forms to suggest (alphabetical, bounded)."""
    skills = Skill.objects.visible_to(viewer)
    if prefix:
        skills = skills.filter(name__startswith=prefix.lower())
    return list(skills.order_by("name").values_list("name", flat=True)[:SUGGESTED_SKILLS])


# --- requests ------------------------------------------------------------------------------


def _request_list(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    # The team is prefetched for the page's rows, not joined: a join would be made for
    # every candidate row before the sort picks the page.
    return queryset.select_related("requester").prefetch_related(_skills_prefetch(), "team")


#: At most this many matching requests are put first (newest first); beyond, a match
#: simply takes its place among the others by date.
MATCHING_LIMIT = 5000


def _with_ids(requests: QuerySet[HelpRequest], ids: list[int]) -> QuerySet[HelpRequest]:
    """Requests among `ids`. On PostgreSQL as one array parameter (`id = ANY(%s)`): the
    planner fetches them by primary key, and a long list costs one parameter, not
    thousands."""
    if connection.vendor != "postgresql":
        return requests.filter(pk__in=ids)
    table = HelpRequest._meta.db_table
    return requests.filter(RawSQL(f'"{table}"."id" = ANY(%s)', (ids,), output_field=BooleanField()))


def _open_needing_subquery(skill_ids: list[int]) -> QuerySet[RequestSkill, Any]:
    return RequestSkill.objects.filter(skill_id__in=skill_ids, is_open=True).values("request_id")


def _open_requests_needing(skills: Q) -> list[int]:
    """Ids of open requests that need any of these skills, newest first, read from the
    partial index of open requests' skills.

    Fetched as a list on purpose: PostgreSQL then looks the requests up by primary key,
    whereas with a subquery it tends to walk every open request of the organisation.
    """
    return list(
        RequestSkill.objects.filter(skills, is_open=True)
        .order_by("-request_id")
        .values_list("request_id", flat=True)
        .distinct()[:MATCHING_LIMIT]
    )


def board_requests(
    *,
    viewer: Person,
    skill: str = "",
    capacity: Capacity | None = None,
    now: datetime | None = None,
) -> QuerySet[HelpRequest] | MatchesFirst:
    """Open requests the viewer may see and could help with (not their own).

    With capacity this week and skills, requests that match a skill of theirs come first,
    then the newest (a MatchesFirst); otherwise simply the newest first, each marked with
    `matches_me`. Pass the viewer's `capacity` (from capacity_for) to save a query.
    """
    # Ids from the open-skills index are open requests by construction (services flip
    # `is_open` in the same transaction as the state), so lookups by those ids leave the
    # state out: PostgreSQL then fetches the rows by primary key instead of walking
    # every open request to test each id.
    visible = HelpRequest.objects.visible_to(viewer).exclude(requester=viewer)
    needing_skill: list[int] | None = None
    if skill:
        needing = Q(skill__organization=viewer.organization, skill__name=skill)
        needing_skill = _open_requests_needing(needing)
        requests = _with_ids(visible, needing_skill)
    else:
        requests = visible.open()
    if capacity is None:
        capacity = capacity_for(person=viewer)
    newest = ["-created_at", "-id"]
    my_skills = [s.pk for s in capacity.skill_list]  # type: ignore[attr-defined]
    if not my_skills:
        return _request_list(requests).order_by(*newest)
    if not capacity.has_room(now):
        annotated = requests.annotate(
            matches_me=Exists(
                RequestSkill.objects.filter(request_id=OuterRef("pk"), skill_id__in=my_skills)
            )
        )
        return _request_list(annotated).order_by(*newest)
    matching = _open_requests_needing(Q(skill_id__in=my_skills))
    if needing_skill is not None:
        wanted = set(needing_skill)
        matching = [pk for pk in matching if pk in wanted]
    # The others: "NOT IN (subquery)" is hashed once while the newest-first index is
    # walked, so it stops after a page.
    return MatchesFirst(
        _request_list(_with_ids(visible, matching)).order_by(*newest),
        _request_list(requests.exclude(pk__in=_open_needing_subquery(my_skills))).order_by(*newest),
    )


#: "Mine" lists at most this many of the requests I offered on (newest offers first).
MINE_OFFERS_LIMIT = 500


def my_requests(*, viewer: Person) -> QuerySet[HelpRequest]:
    """Requests I asked, and those I offered to help with, in every state, newest first."""
    # Ids, not a subquery: "requester = me OR id IN (a few ids)" is two index lookups on
    # PostgreSQL (a BitmapOr); with a subquery it would scan every request.
    offered = list(
        Offer.objects.filter(helper=viewer)
        .order_by("-created_at")
        .values_list("request_id", flat=True)[:MINE_OFFERS_LIMIT]
    )
    requests = HelpRequest.objects.visible_to(viewer).filter(
        Q(requester=viewer) | Q(pk__in=offered)
    )
    return _request_list(requests).order_by("-created_at", "-id")


@dataclass(frozen=True)
class OfferSummary:
    offers: int
    accepted: int
    mine: str | None  # the state of the viewer's own offer, if any


def offer_summaries(*, viewer: Person, requests: list[HelpRequest]) -> dict[int, OfferSummary]:
    """For a page of requests, in one query: how many offers each has, and the viewer's."""
    rows = (
        Offer.objects.filter(request_id__in=[r.pk for r in requests])
        .values("request_id")
        .annotate(
            offers=Count("id"),
            accepted=Count("id", filter=Q(state=OfferState.ACCEPTED)),
            mine_offered=Count("id", filter=Q(helper=viewer, state=OfferState.OFFERED)),
            mine_accepted=Count("id", filter=Q(helper=viewer, state=OfferState.ACCEPTED)),
        )
        .order_by()
    )
    summaries = {r.pk: OfferSummary(0, 0, None) for r in requests}
    for row in rows:
        mine = (
            OfferState.ACCEPTED
            if row["mine_accepted"]
            else OfferState.OFFERED
            if row["mine_offered"]
            else None
        )
        summaries[row["request_id"]] = OfferSummary(row["offers"], row["accepted"], mine)
    return summaries


def get_help_request_for(viewer: Person, pk: int) -> HelpRequest:
    return get_for(
        viewer,
        HelpRequest.objects.select_related("requester", "team", "source_post").prefetch_related(
            _skills_prefetch()
        ),
        pk=pk,
    )


def source_post_seen_by(*, viewer: Person, request: HelpRequest) -> Post | None:
    """The challenge the request was asked from, if the viewer may read it too (a team
    post stays with its team even when the request is open to everyone)."""
    post = request.source_post
    if post is None or not can_see(viewer, post):
        return None
    return post


def requests_from_posts(*, viewer: Person, post_ids: list[int]) -> dict[int, list[HelpRequest]]:
    """For a page of feed posts, the requests asked from each that the viewer may see,
    oldest first: the feed shows "help asked" on a post only to people who may see both.
    One query, or none."""
    found: dict[int, list[HelpRequest]] = defaultdict(list)
    if post_ids:
        requests = (
            HelpRequest.objects.visible_to(viewer)
            .filter(source_post_id__in=post_ids)
            .only("id", "title", "state", "source_post_id", "requester_id", "created_at")
            .order_by("created_at", "id")
        )
        for request in requests:
            found[request.source_post_id].append(request)  # type: ignore[index]
    return found


def get_offer_for(viewer: Person, pk: int) -> Offer:
    return get_for(viewer, Offer.objects.select_related("request__requester", "helper"), pk=pk)


def request_offers(*, viewer: Person, request: HelpRequest) -> QuerySet[Offer]:
    """The offers on a request the viewer may read: all of them for the requester, their
    own otherwise (what someone wrote to the requester is between the two of them)."""
    offers = Offer.objects.filter(request=request).select_related("helper")
    if request.requester_id != viewer.pk:
        offers = offers.filter(helper=viewer)
    return offers.order_by("created_at", "id")


def accepted_helpers(*, request: HelpRequest) -> list[Person]:
    return [
        offer.helper
        for offer in Offer.objects.filter(request=request, state=OfferState.ACCEPTED)
        .select_related("helper")
        .order_by("accepted_at", "id")
    ]


def my_teams(*, person: Person) -> QuerySet[Team]:
    return Team.objects.filter(memberships__person=person).order_by("name", "id")
