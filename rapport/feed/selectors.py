"""Reads for wins & challenges: the home feed, a team's feed, one post's replies, and the
small questions other capabilities ask about posts.

Feeds are paged by a cursor (the last post's time and id), never by counting: the home
feed of a large organisation holds a great many posts, and "older than this one" is an
index range however deep you go. The home feed reads two ordered ranges (posts to the
organisation, posts to the viewer's teams), each at most one page long, and merges them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from rapport.people.models import Organization, Person, Team

from . import mentions
from .models import REACTION_SYMBOLS, Mention, Post, Reaction, Reply, viewer_team_ids

PAGE_SIZE = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_PAGE_SIZE = 100


class BadCursor(ValueError):
    """A cursor that no page of ours ever handed out."""


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ends: the last post's time (microseconds since the epoch) and id."""

    micros: int
    pk: int

    @classmethod
    def after(cls, post: Post) -> Cursor:
        delta = post.created_at - EPOCH
        return cls((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds, post.pk)

    @classmethod
    def parse(cls, text: str) -> Cursor:
        micros, _, pk = text.partition("_")
        if not (micros.lstrip("-").isdigit() and pk.isdigit()) or len(text) > 40:
            raise BadCursor("This is not a page of the feed.")
        cursor = cls(int(micros), int(pk))
        try:
            cursor.created_at  # noqa: B018 - out-of-range times fail here, not in the query
        except (OverflowError, ValueError) as exc:
            raise BadCursor("This is not a page of the feed.") from exc
        return cursor

    def __str__(self) -> str:
        return f"{self.micros}_{self.pk}"

    @property
    def created_at(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.micros)

    def older(self) -> Q:
        # `created_at <= t` bounds the index range; the OR only sorts out ties on t.
        at = self.created_at
        return Q(created_at__lte=at) & (Q(created_at__lt=at) | Q(pk__lt=self.pk))


@dataclass(frozen=True, slots=True)
class ReactionCount:
    kind: str
    label: str
    symbol: str
    count: int
    mine: bool


@dataclass
class FeedPage:
    posts: list[Post]
    next_cursor: Cursor | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def feed_page(
    *,
    viewer: Person,
    team: Team | None = None,
    kind: str | None = None,
    author: Person | None = None,
    before: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> FeedPage:
    """One page of posts the viewer may read, newest first.

    Without `team`: the home feed (posts to everyone, and to the viewer's teams). With
    `team`: that team's posts (the caller checked the viewer is in it). `kind` and `author`
    narrow either. Constant queries whatever the size of the feed: at most two for the posts
    and four to decorate them (replies, reactions, mentions, help asked).
    """
    size = max(1, min(size, MAX_PAGE_SIZE))
    posts = Post.objects.filter(organization_id=viewer.organization_id).select_related(
        "author", "team"
    )
    if kind:
        posts = posts.filter(kind=kind)
    if author is not None:
        posts = posts.filter(author=author)
    if before is not None:
        posts = posts.filter(before.older())
    order = ("-created_at", "-id")
    if team is not None:
        found = list(posts.filter(team=team).order_by(*order)[: size + 1])
    elif author is not None:
        # One person's posts are few: one range over their index, filtered by visibility.
        teams = list(viewer_team_ids(viewer))
        visible = Q(team__isnull=True) | Q(team_id__in=teams)
        found = list(posts.filter(visible).order_by(*order)[: size + 1])
    else:
        teams = list(viewer_team_ids(viewer))
        found = list(posts.filter(team__isnull=True).order_by(*order)[: size + 1])
        if teams:
            found += list(posts.filter(team_id__in=teams).order_by(*order)[: size + 1])
            found.sort(key=lambda p: (p.created_at, p.pk), reverse=True)
    page = found[:size]
    next_cursor = Cursor.after(page[-1]) if len(found) > size else None
    posts_decorate(page, viewer=viewer)
    return FeedPage(posts=page, next_cursor=next_cursor)


def posts_decorate(posts: list[Post], *, viewer: Person) -> list[Post]:
    """Attach what a post card shows: `reply_count`, `reaction_counts` (every kind, in a
    fixed order), `mentioned` (the people named in the post), `help_asked` (the help
    board's requests asked from it that the viewer may see). Four queries, or none."""
    from rapport.helpboard.selectors import requests_from_posts

    ids = [p.pk for p in posts]
    asked = requests_from_posts(viewer=viewer, post_ids=ids)
    replies: dict[int, int] = {}
    reactions: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    mentioned: dict[int, list[mentions.Mentionable]] = defaultdict(list)
    if ids:
        replies = dict(
            Reply.objects.filter(post_id__in=ids)
            .values("post_id")
            .annotate(n=Count("id"))
            .values_list("post_id", "n")
        )
        rows = (
            Reaction.objects.filter(post_id__in=ids)
            .values("post_id", "kind")
            .annotate(n=Count("id"), mine=Count("id", filter=Q(person=viewer)))
            .values_list("post_id", "kind", "n", "mine")
        )
        for post_id, kind, n, mine in rows:
            reactions[post_id][kind] = (n, mine > 0)
        for mention in _mentions(Mention.objects.filter(post_id__in=ids, reply__isnull=True)):
            mentioned[mention[0]].append(mention[1])
    for post in posts:
        post.reply_count = replies.get(post.pk, 0)  # type: ignore[attr-defined]
        post.reaction_counts = [  # type: ignore[attr-defined]
            ReactionCount(
                kind=kind,
                label=str(label),
                symbol=REACTION_SYMBOLS[kind],
                count=reactions[post.pk].get(kind, (0, False))[0],
                mine=reactions[post.pk].get(kind, (0, False))[1],
            )
            for kind, label in Reaction.Kind.choices
        ]
        post.mentioned = mentioned[post.pk]  # type: ignore[attr-defined]
        post.help_asked = asked.get(post.pk, [])  # type: ignore[attr-defined]
        post.help_asked_open = any(r.is_open for r in post.help_asked)  # type: ignore[attr-defined]
    return posts


def post_replies(*, post: Post) -> QuerySet[Reply]:
    """A post's replies, oldest first (a conversation reads top to bottom)."""
    return Reply.objects.filter(post=post).select_related("author").order_by("created_at", "id")


def replies_decorate(replies: list[Reply]) -> list[Reply]:
    """Attach `mentioned` to each reply: one query, or none."""
    ids = [r.pk for r in replies]
    mentioned: dict[int, list[mentions.Mentionable]] = defaultdict(list)
    if ids:
        for mention in _mentions(Mention.objects.filter(reply_id__in=ids), by="reply_id"):
            mentioned[mention[0]].append(mention[1])
    for reply in replies:
        reply.mentioned = mentioned[reply.pk]  # type: ignore[attr-defined]
    return replies


def _mentions(
    queryset: QuerySet[Mention], by: str = "post_id"
) -> list[tuple[int, mentions.Mentionable]]:
    rows = queryset.values_list(by, "person_id", "person__display_name", "person__user__email")
    return [
        (key, mentions.Mentionable(id=pk, display_name=name, handle=email.split("@")[0]))
        for key, pk, name, email in rows
    ]


def post_decorated(*, post: Post, viewer: Person) -> Post:
    return posts_decorate([post], viewer=viewer)[0]


def my_teams(*, viewer: Person) -> QuerySet[Team]:
    """The teams the viewer can post to and read the feed of, by name."""
    return Team.objects.filter(memberships__person=viewer).order_by("name", "id")


def challenge_authors_seen_by(*, viewer: Person, since: datetime) -> QuerySet[Post, Any]:
    """Author ids (a subquery) of challenges posted since `since` that `viewer` may read:
    kudos' "unsung teammates" counts people who shared a challenge, and may only learn it
    from posts the viewer could see anyway."""
    return (
        Post.objects.visible_to(viewer)
        .filter(kind=Post.Kind.CHALLENGE, created_at__gte=since)
        .values("author_id")
    )


def challenge_authors(*, organization: Organization, since: datetime) -> set[int]:
    """Ids of people who shared a challenge since `since` (kudos reads this to notice
    people who are struggling without being recognised). One indexed query."""
    return set(
        Post.objects.filter(
            organization=organization, kind=Post.Kind.CHALLENGE, created_at__gte=since
        )
        .values_list("author_id", flat=True)
        .distinct()
    )
