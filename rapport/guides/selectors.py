"""Reads for guides: each guide as an organisation reads it, and its comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString

from rapport.people.models import Person
from rapport.web.capabilities import BY_SLUG, capability_url

from . import markdown
from .content import ORDER, GuideText, defaults
from .models import GuideComment, GuideOverride

#: Practices whose feature is a page of its own rather than a capability of the menu:
#: slug -> (url name, what the page is called).
FEATURE_PAGES: dict[str, tuple[str, str]] = {
    "today": ("today", "Today"),
    "ask-dont-assume": ("checkins:reach_out", "Reach out"),
}


@dataclass
class Guide:
    slug: str
    title: str
    summary: str
    body: str
    default: GuideText
    customised: bool = False
    updated_at: datetime | None = None
    updated_by: str = ""
    comment_count: int = 0

    @property
    def html(self) -> SafeString:
        return markdown.render(self.body)

    @property
    def feature_name(self) -> str:
        capability = BY_SLUG.get(self.slug)
        if capability is not None:
            return capability.name
        return FEATURE_PAGES[self.slug][1] if self.slug in FEATURE_PAGES else ""

    @property
    def feature_url(self) -> str:
        """Where the practice lives in Rapport ('' if it has no page of its own)."""
        if self.slug in BY_SLUG:
            return capability_url(self.slug)
        if self.slug in FEATURE_PAGES:
            return reverse(FEATURE_PAGES[self.slug][0])
        return ""


def _guide(slug: str, override: GuideOverride | None) -> Guide:
    default = defaults()[slug]
    if override is None:
        return Guide(slug, default.title, default.summary, default.body, default)
    return Guide(
        slug,
        override.title,
        override.summary,
        override.body,
        default,
        customised=True,
        updated_at=override.updated_at,
        updated_by=override.updated_by.display_name if override.updated_by else "",
    )


def guides_list(*, viewer: Person) -> list[Guide]:
    """Every guide in the practices' order, as the viewer's organisation reads it, with its
    number of comments. Two queries."""
    overrides = {
        o.slug: o for o in GuideOverride.objects.visible_to(viewer).select_related("updated_by")
    }
    counts = dict(
        GuideComment.objects.visible_to(viewer)
        .values("guide_slug")
        .annotate(n=Count("id"))
        .values_list("guide_slug", "n")
    )
    guides = [_guide(slug, overrides.get(slug)) for slug in ORDER]
    for guide in guides:
        guide.comment_count = counts.get(guide.slug, 0)
    return guides


def guide_for(*, viewer: Person, slug: str) -> Guide | None:
    if slug not in defaults():
        return None
    override = (
        GuideOverride.objects.visible_to(viewer).select_related("updated_by").filter(slug=slug)
    ).first()
    return _guide(slug, override)


def guide_comments(*, viewer: Person, slug: str) -> QuerySet[GuideComment]:
    """A guide's comments in the viewer's organisation, newest first."""
    return (
        GuideComment.objects.visible_to(viewer)
        .filter(guide_slug=slug)
        .select_related("author")
        .order_by("-created_at", "-id")
    )
