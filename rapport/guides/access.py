"""Lookups of guides and comments named in a request: 404 for missing and not-yours alike."""

from __future__ import annotations

from django.http import Http404

from rapport.lib.tenancy import get_for
from rapport.people.models import Person

from . import selectors
from .models import GuideComment


def get_guide_for(viewer: Person, slug: str) -> selectors.Guide:
    """The guide as the viewer's organisation reads it (its own text, or the default)."""
    guide = selectors.guide_for(viewer=viewer, slug=slug)
    if guide is None:
        raise Http404("No such guide")
    return guide


def get_comment_for(viewer: Person, pk: int) -> GuideComment:
    return get_for(viewer, GuideComment.objects.select_related("author"), pk=pk)


def get_own_comment_for(viewer: Person, pk: int) -> GuideComment:
    """A comment the viewer wrote: only its author edits or deletes it."""
    comments = GuideComment.objects.select_related("author").filter(author=viewer)
    return get_for(viewer, comments, pk=pk)
