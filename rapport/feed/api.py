"""The wins & challenges API: the home and team feeds (cursor-paged), posts, replies and
reactions, with the same rules as the pages.

Feeds page with a cursor instead of page numbers, so they stay fast however long they get:
each answer is `{"items": [...], "next": "<cursor>" | null}`; pass `before=<next>` for the
following page.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from rapport.api.auth import viewer
from rapport.api.errors import ApiError
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text
from rapport.people.access import get_person_for
from rapport.people.models import Person

from . import selectors, services
from .access import get_feed_team_for, get_own_post_for, get_own_reply_for, get_post_for
from .models import MAX_LENGTH, Post, Reaction, Reply

router = Router(tags=["feed"])


class BadCursorError(ApiError):
    status = 422
    code = "invalid"
    detail = "before: this is not a cursor from a page of the feed."


# --- schemas -------------------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int
    display_name: str


class ReactionOut(Schema):
    kind: str = Field(description="celebrate, support, thanks or insight")
    label: str
    count: int
    mine: bool = Field(description="Whether I reacted this way")


class HelpAskedOut(Schema):
    id: int = Field(description="The help request's id (see help_request_read)")
    title: str
    state: str = Field(description="open, done or closed")


class PostOut(Schema):
    id: int
    kind: str = Field(description="win or challenge")
    audience: str = Field(description="team or organization")
    team_id: int | None
    team_name: str | None
    author: PersonRefOut
    body: str
    created_at: datetime
    edited_at: datetime | None
    reply_count: int
    reactions: list[ReactionOut]
    mentions: list[PersonRefOut] = Field(description="People named in the post")
    mine: bool = Field(description="Whether I wrote it (and so may edit or delete it)")
    help_requests: list[HelpAskedOut] = Field(
        description="Help board requests asked from this challenge that I may see"
    )


class FeedPageOut(Schema):
    items: list[PostOut]
    next: str | None = Field(description="Pass as `before` for the next page; null at the end")


class FeedQuery(Schema):
    kind: Post.Kind | None = Field(None, description="Only wins or only challenges")
    person: int | None = Field(None, ge=1, le=MAX_ID, description="Only posts by this person")
    before: str | None = Field(None, max_length=40, description="Cursor from a previous page")
    limit: int = Field(selectors.PAGE_SIZE, ge=1, le=selectors.MAX_PAGE_SIZE)


class PostCreateIn(Schema):
    model_config = {"extra": "forbid"}

    kind: Post.Kind
    audience: Post.Audience = Field(description="team (one of mine) or organization")
    team_id: int | None = Field(None, ge=1, le=MAX_ID, description="Required for audience=team")
    body: Text = Field(min_length=1, max_length=MAX_LENGTH)


class PostUpdateIn(Schema):
    model_config = {"extra": "forbid"}

    kind: Post.Kind | None = None
    body: Text = Field(min_length=1, max_length=MAX_LENGTH)


class ReplyIn(Schema):
    model_config = {"extra": "forbid"}

    body: Text = Field(min_length=1, max_length=MAX_LENGTH)


class ReplyOut(Schema):
    id: int
    post_id: int
    author: PersonRefOut
    body: str
    created_at: datetime
    edited_at: datetime | None
    mentions: list[PersonRefOut]
    mine: bool


class ReactIn(Schema):
    model_config = {"extra": "forbid"}

    kind: Reaction.Kind


class ReactedOut(Schema):
    kind: str
    on: bool = Field(description="Whether my reaction is now there (false: taken back)")
    reactions: list[ReactionOut]


# --- shaping -------------------------------------------------------------------------------


def _person(person: Person) -> dict[str, Any]:
    return {"id": person.pk, "display_name": person.display_name}


def _reactions(post: Post) -> list[dict[str, Any]]:
    return [
        {"kind": r.kind, "label": r.label, "count": r.count, "mine": r.mine}
        for r in post.reaction_counts  # type: ignore[attr-defined]
    ]


def _post_out(post: Post, me: Person) -> dict[str, Any]:
    return {
        "id": post.pk,
        "kind": post.kind,
        "audience": post.audience,
        "team_id": post.team_id,
        "team_name": post.team.name if post.team else None,
        "author": _person(post.author),
        "body": post.body,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "reply_count": post.reply_count,  # type: ignore[attr-defined]
        "reactions": _reactions(post),
        "mentions": [
            {"id": m.id, "display_name": m.display_name}
            for m in post.mentioned  # type: ignore[attr-defined]
        ],
        "mine": post.author_id == me.pk,
        "help_requests": [
            {"id": r.pk, "title": r.title, "state": r.state}
            for r in post.help_asked  # type: ignore[attr-defined]
        ],
    }


def _reply_out(reply: Reply, me: Person) -> dict[str, Any]:
    return {
        "id": reply.pk,
        "post_id": reply.post_id,
        "author": _person(reply.author),
        "body": reply.body,
        "created_at": reply.created_at,
        "edited_at": reply.edited_at,
        "mentions": [
            {"id": m.id, "display_name": m.display_name}
            for m in reply.mentioned  # type: ignore[attr-defined]
        ],
        "mine": reply.author_id == me.pk,
    }


def _page(request: HttpRequest, filters: FeedQuery, **where: Any) -> dict[str, Any]:
    me = viewer(request)
    try:
        before = selectors.Cursor.parse(filters.before) if filters.before else None
    except selectors.BadCursor:
        raise BadCursorError() from None
    author = get_person_for(me, filters.person) if filters.person else None
    page = selectors.feed_page(
        viewer=me, kind=filters.kind, author=author, before=before, size=filters.limit, **where
    )
    return {
        "items": [_post_out(p, me) for p in page.posts],
        "next": str(page.next_cursor) if page.next_cursor else None,
    }


def _fresh_post(post_id: int, me: Person) -> dict[str, Any]:
    post = get_post_for(me, post_id)
    return _post_out(selectors.post_decorated(post=post, viewer=me), me)


# --- feeds ---------------------------------------------------------------------------------


@router.get(
    "/feed",
    response=FeedPageOut,
    operation_id="feed_home",
    url_name="feed_home",
    summary="My home feed: posts to everyone and to my teams, newest first",
)
def feed_home(request: HttpRequest, filters: Query[FeedQuery]) -> dict[str, Any]:
    return _page(request, filters)


@router.get(
    "/feed/teams/{team_id}",
    response=FeedPageOut,
    operation_id="feed_team",
    url_name="feed_team",
    summary="The feed of one of my teams, newest first",
)
def feed_team(
    request: HttpRequest, filters: Query[FeedQuery], team_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    return _page(request, filters, team=get_feed_team_for(viewer(request), team_id))


# --- posts ---------------------------------------------------------------------------------


@router.post(
    "/feed/posts",
    response={201: PostOut},
    operation_id="feed_posts_create",
    url_name="feed_posts",
    summary="Share a win or a challenge with one of my teams or with everyone",
)
def feed_posts_create(request: HttpRequest, payload: PostCreateIn) -> Status[dict[str, Any]]:
    me = viewer(request)
    team = None
    if payload.audience == Post.Audience.TEAM:
        if payload.team_id is None:
            raise ValidationError({"team_id": "Say which of your teams the post is for."})
        team = selectors.my_teams(viewer=me).filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationError({"team_id": "You can post to the teams you are in."})
    post = services.post_create(
        author=me, kind=payload.kind, audience=payload.audience, team=team, body=payload.body
    )
    return Status(201, _fresh_post(post.pk, me))


@router.get(
    "/feed/posts/{feed_post_id}",
    response=PostOut,
    operation_id="feed_posts_read",
    url_name="feed_post",
    summary="One post I may read",
)
def feed_posts_read(
    request: HttpRequest, feed_post_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    return _fresh_post(feed_post_id, viewer(request))


@router.patch(
    "/feed/posts/{feed_post_id}",
    response=PostOut,
    operation_id="feed_posts_update",
    url_name="feed_post",
    summary="Edit my own post (its text, and whether it is a win or a challenge)",
)
def feed_posts_update(
    request: HttpRequest, payload: PostUpdateIn, feed_post_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    me = viewer(request)
    post = get_own_post_for(me, feed_post_id)
    services.post_update(post=post, editor=me, body=payload.body, kind=payload.kind)
    return _fresh_post(post.pk, me)


@router.delete(
    "/feed/posts/{feed_post_id}",
    response={204: None},
    operation_id="feed_posts_delete",
    url_name="feed_post",
    summary="Delete my own post, with its replies and reactions",
)
def feed_posts_delete(
    request: HttpRequest, feed_post_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    me = viewer(request)
    services.post_delete(post=get_own_post_for(me, feed_post_id), actor=me)
    return Status(204, None)


@router.post(
    "/feed/posts/{feed_post_id}/reactions",
    response=ReactedOut,
    operation_id="feed_posts_react",
    url_name="feed_post_reactions",
    summary="React to a post, or take the same reaction back",
)
def feed_posts_react(
    request: HttpRequest, payload: ReactIn, feed_post_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    me = viewer(request)
    post = get_post_for(me, feed_post_id)
    on = services.reaction_toggle(person=me, post=post, kind=payload.kind)
    selectors.post_decorated(post=post, viewer=me)
    return {"kind": payload.kind, "on": on, "reactions": _reactions(post)}


# --- replies -------------------------------------------------------------------------------


@router.get(
    "/feed/posts/{feed_post_id}/replies",
    response=list[ReplyOut],
    operation_id="feed_replies_list",
    url_name="feed_post_replies",
    summary="A post's replies, oldest first",
)
@paginate(PageNumber)
def feed_replies_list(request: HttpRequest, feed_post_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    me = viewer(request)
    return _RepliesOut(selectors.post_replies(post=get_post_for(me, feed_post_id)), me)


class _RepliesOut:
    """The replies queryset, shaped page by page (so mentions are fetched for one page)."""

    def __init__(self, replies: Any, me: Person) -> None:
        self.replies = replies
        self.me = me

    def count(self) -> int:
        return int(self.replies.count())

    def none(self) -> list[Any]:
        return []

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        page = selectors.replies_decorate(list(self.replies[window]))
        return [_reply_out(r, self.me) for r in page]


@router.post(
    "/feed/posts/{feed_post_id}/replies",
    response={201: ReplyOut},
    operation_id="feed_replies_create",
    url_name="feed_post_replies",
    summary="Reply to a post",
)
def feed_replies_create(
    request: HttpRequest, payload: ReplyIn, feed_post_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[dict[str, Any]]:
    me = viewer(request)
    reply = services.reply_create(author=me, post=get_post_for(me, feed_post_id), body=payload.body)
    return Status(201, _reply_out(selectors.replies_decorate([reply])[0], me))


@router.patch(
    "/feed/replies/{feed_reply_id}",
    response=ReplyOut,
    operation_id="feed_replies_update",
    url_name="feed_reply",
    summary="Edit my own reply",
)
def feed_replies_update(
    request: HttpRequest, payload: ReplyIn, feed_reply_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    me = viewer(request)
    reply = services.reply_update(
        reply=get_own_reply_for(me, feed_reply_id), editor=me, body=payload.body
    )
    return _reply_out(selectors.replies_decorate([reply])[0], me)


@router.delete(
    "/feed/replies/{feed_reply_id}",
    response={204: None},
    operation_id="feed_replies_delete",
    url_name="feed_reply",
    summary="Delete my own reply",
)
def feed_replies_delete(
    request: HttpRequest, feed_reply_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    me = viewer(request)
    services.reply_delete(reply=get_own_reply_for(me, feed_reply_id), actor=me)
    return Status(204, None)
