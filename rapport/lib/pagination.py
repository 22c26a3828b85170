"""One way to paginate every list page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page:
    """The page named by ?page= (bad or out-of-range numbers give the nearest real page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def search_text(request: HttpRequest, name: str = "q", max_length: int = 100) -> str:
    """The search box's text: trimmed, bounded, and without NUL (PostgreSQL refuses it)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:max_length]
