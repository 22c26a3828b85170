"""One way to paginate every list page (the API's lists: rapport.api.pagination).

Lists are counted only up to COUNT_CAP rows: a LIMITed count reads at most that many index
entries however large the table, while an exact COUNT(*) of a feed of a million rows costs
more than the page itself. Past the cap a page says "Page 2 of 40+" and the pages beyond
are out of reach by number (search and filters narrow a list that long).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Protocol

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25
COUNT_CAP = 1000


class Countable(Protocol):
    """Something that slices and counts like a queryset (e.g. two querysets read in turn)."""

    def count(self) -> int: ...

    def __getitem__(self, index: slice) -> list[Any]: ...


def capped_count(rows: QuerySet[Any] | Countable, cap: int | None = None) -> int:
    """How many rows, counting no further than `cap` (COUNT_CAP by default)."""
    cap = COUNT_CAP if cap is None else cap
    if isinstance(rows, QuerySet):
        return rows.order_by().values("pk")[:cap].count()
    return min(cap, rows.count())


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_CAP rows."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)  # type: ignore[arg-type]

    @property
    def capped(self) -> bool:
        return self.count >= COUNT_CAP


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Countable,
    per_page: int = PAGE_SIZE,
    *,
    param: str = "page",
) -> Page:
    """The page named by ?page= (bad or out-of-range numbers give the nearest real page)."""
    return CappedPaginator(rows, per_page).get_page(request.GET.get(param))  # type: ignore[arg-type]


def search_text(request: HttpRequest, name: str = "q", max_length: int = 100) -> str:
    """The search box's text: trimmed, bounded, and without NUL (PostgreSQL refuses it)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:max_length]
