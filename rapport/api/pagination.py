"""One shape for every list the API returns:

    {"items": [...], "count": 42, "page": 2, "pages": 3}

`?page=` starts at 1 and `?page_size=` is at most 100. A page past the end is empty (with
the real `pages`), so a client can loop until `page >= pages`. Like the pages, `count`
stops at 1,000 (rapport.lib.pagination.COUNT_CAP): when it says 1000, read on until a page
comes back empty.
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from rapport.lib import pagination as pagination_rules
from rapport.lib.pagination import capped_count

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
#: Far beyond any real list; bounds the SQL OFFSET so it always fits the database's integers.
MAX_PAGE = 1_000_000


class PageNumber(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page, at most 100"
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items in all pages, counted up to 1,000")
        page: int
        pages: int = Field(description="Number of pages (at least 1)")

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        size = pagination.page_size
        count = capped_count(queryset)
        offset = (pagination.page - 1) * size
        # Past the counted rows there may be more (the count stops at COUNT_CAP): serve them.
        more = offset < count or count >= pagination_rules.COUNT_CAP
        items = queryset[offset : offset + size] if more else []
        return {
            "items": items,
            "count": count,
            "page": pagination.page,
            "pages": max(1, math.ceil(count / size)),
        }
