"""The guides API: read the guides as my organisation has them, comment on them, and (org
admins) give a guide the organisation's own text or reset it to the default."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from rapport.api.auth import viewer
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text
from rapport.audit.services import client_ip

from . import selectors, services
from .access import get_guide_for, get_own_comment_for
from .content import MAX_BODY, MAX_SUMMARY, MAX_TITLE
from .models import MAX_COMMENT, GuideComment
from .selectors import Guide

router = Router(tags=["guides"])

SLUG = Path(..., max_length=40, description="The guide's slug, e.g. checkins or kudos")


class GuideOut(Schema):
    slug: str
    title: str
    summary: str
    body: str = Field(description="The guide's text in its Markdown subset")
    html: str = Field(description="The same, rendered to safe HTML")
    customised: bool = Field(description="Whether my organisation has its own text for it")
    updated_at: datetime | None
    comment_count: int
    feature_name: str = Field(description="The Rapport feature this practice lives in")
    feature_url: str = Field(description="That feature's page ('' if it has none yet)")


class GuideIn(Schema):
    model_config = {"extra": "forbid"}

    title: Text = Field(min_length=1, max_length=MAX_TITLE)
    summary: Text = Field("", max_length=MAX_SUMMARY)
    body: Text = Field(min_length=1, max_length=MAX_BODY)


class CommentAuthorOut(Schema):
    id: int
    display_name: str


class CommentOut(Schema):
    id: int
    guide: str
    author: CommentAuthorOut
    body: str
    created_at: datetime
    edited_at: datetime | None
    mine: bool


class CommentIn(Schema):
    model_config = {"extra": "forbid"}

    body: Text = Field(min_length=1, max_length=MAX_COMMENT)


def _guide_out(guide: Guide) -> dict[str, Any]:
    return {
        "slug": guide.slug,
        "title": guide.title,
        "summary": guide.summary,
        "body": guide.body,
        "html": str(guide.html),
        "customised": guide.customised,
        "updated_at": guide.updated_at,
        "comment_count": guide.comment_count,
        "feature_name": guide.feature_name,
        "feature_url": guide.feature_url,
    }


def _comment_out(comment: GuideComment, me_id: int) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "guide": comment.guide_slug,
        "author": {"id": comment.author_id, "display_name": comment.author.display_name},
        "body": comment.body,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "mine": comment.author_id == me_id,
    }


class _Shaped:
    """A list or queryset, shaped into dicts page by page, for PageNumber."""

    def __init__(self, rows: Any, shape: Any) -> None:
        self.rows, self.shape = rows, shape

    def count(self) -> int:
        return len(self.rows) if isinstance(self.rows, list) else int(self.rows.count())

    def none(self) -> list[Any]:
        return []

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [self.shape(row) for row in self.rows[window]]


def _detailed(request: HttpRequest, slug: str) -> dict[str, Any]:
    me = viewer(request)
    guide = get_guide_for(me, slug)
    guide.comment_count = selectors.guide_comments(viewer=me, slug=slug).count()
    return _guide_out(guide)


def _admin(request: HttpRequest) -> Any:
    me = viewer(request)
    if not me.is_org_admin:
        raise PermissionDenied("Only org admins can change the guides of the organisation.")
    return me


@router.get(
    "/guides",
    response=list[GuideOut],
    operation_id="guides_list",
    url_name="guides",
    summary="Every practice guide, as my organisation reads it",
)
@paginate(PageNumber)
def guides_list(request: HttpRequest) -> Any:
    return _Shaped(selectors.guides_list(viewer=viewer(request)), _guide_out)


@router.get(
    "/guides/{guide_slug}",
    response=GuideOut,
    operation_id="guides_read",
    url_name="guide",
    summary="One guide",
)
def guides_read(request: HttpRequest, guide_slug: str = SLUG) -> dict[str, Any]:
    return _detailed(request, guide_slug)


@router.put(
    "/guides/{guide_slug}",
    response=GuideOut,
    operation_id="guides_update",
    url_name="guide",
    summary="Give a guide my organisation's own text (org admins; audited)",
)
def guides_update(request: HttpRequest, payload: GuideIn, guide_slug: str = SLUG) -> dict[str, Any]:
    me = _admin(request)
    guide = get_guide_for(me, guide_slug)
    services.guide_update(
        actor=me,
        slug=guide.slug,
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
        ip=client_ip(request),
    )
    return _detailed(request, guide.slug)


@router.delete(
    "/guides/{guide_slug}/override",
    response=GuideOut,
    operation_id="guides_reset",
    url_name="guide_override",
    summary="Reset a guide to Rapport's default text (org admins; audited)",
)
def guides_reset(request: HttpRequest, guide_slug: str = SLUG) -> dict[str, Any]:
    me = _admin(request)
    guide = get_guide_for(me, guide_slug)
    services.guide_reset(actor=me, slug=guide.slug, ip=client_ip(request))
    return _detailed(request, guide.slug)


@router.get(
    "/guides/{guide_slug}/comments",
    response=list[CommentOut],
    operation_id="guide_comments_list",
    url_name="guide_comments",
    summary="A guide's comments in my organisation, newest first",
)
@paginate(PageNumber)
def guide_comments_list(request: HttpRequest, guide_slug: str = SLUG) -> Any:
    me = viewer(request)
    guide = get_guide_for(me, guide_slug)
    comments = selectors.guide_comments(viewer=me, slug=guide.slug)
    return _Shaped(comments, lambda c: _comment_out(c, me.pk))


@router.post(
    "/guides/{guide_slug}/comments",
    response={201: CommentOut},
    operation_id="guide_comments_create",
    url_name="guide_comments",
    summary="Comment on a guide",
)
def guide_comments_create(
    request: HttpRequest, payload: CommentIn, guide_slug: str = SLUG
) -> Status[dict[str, Any]]:
    me = viewer(request)
    guide = get_guide_for(me, guide_slug)
    comment = services.comment_create(author=me, slug=guide.slug, body=payload.body)
    return Status(201, _comment_out(comment, me.pk))


@router.patch(
    "/guide-comments/{guide_comment_id}",
    response=CommentOut,
    operation_id="guide_comments_update",
    url_name="guide_comment",
    summary="Edit my own comment",
)
def guide_comments_update(
    request: HttpRequest, payload: CommentIn, guide_comment_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    me = viewer(request)
    comment = get_own_comment_for(me, guide_comment_id)
    services.comment_update(comment=comment, editor=me, body=payload.body)
    return _comment_out(comment, me.pk)


@router.delete(
    "/guide-comments/{guide_comment_id}",
    response={204: None},
    operation_id="guide_comments_delete",
    url_name="guide_comment",
    summary="Delete my own comment",
)
def guide_comments_delete(
    request: HttpRequest, guide_comment_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    me = viewer(request)
    services.comment_delete(comment=get_own_comment_for(me, guide_comment_id), actor=me)
    return Status(204, None)
