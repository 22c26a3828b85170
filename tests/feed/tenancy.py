"""The feed's routes and API operations for the tenancy walks (tests/tenancy)."""

from __future__ import annotations

from typing import Any

from rapport.feed.models import Post
from rapport.feed.services import post_create, reply_create


def _post(w: Any) -> Post:
    # A team post that mentions the first organisation's secrets, with a reply.
    post = post_create(
        author=w.person,
        kind=Post.Kind.CHALLENGE,
        audience=Post.Audience.TEAM,
        team=w.team,
        body="Zelda Secretname is stuck with Hidden Team Xyzzy; @First Admin can you help?",
    )
    reply_create(author=w.admin, post=post, body="Zelda Secretname, on my way.")
    return post


def _post_id(w: Any) -> int:
    return _post(w).pk


def _reply_id(w: Any) -> int:
    return _post(w).replies.get().pk


ROUTES: dict[str, tuple[str, Any]] = {
    "feed:home": ("page", None),
    "feed:create": ("page", None),
    "feed:team": ("object", lambda w: {"pk": w.team.pk}),
    "feed:post": ("object", lambda w: {"pk": _post_id(w)}),
    "feed:post_edit": ("object", lambda w: {"pk": _post_id(w)}),
    "feed:post_delete": ("object", lambda w: {"pk": _post_id(w)}),
    "feed:react": ("object", lambda w: {"pk": _post_id(w)}),
    "feed:reply": ("object", lambda w: {"pk": _post_id(w)}),
    "feed:reply_edit": ("object", lambda w: {"pk": _reply_id(w)}),
    "feed:reply_delete": ("object", lambda w: {"pk": _reply_id(w)}),
}

API_OPERATIONS: dict[str, Any] = {
    "feed_home": None,
    "feed_team": None,
    "feed_posts_create": {"kind": "win", "audience": "organization", "body": "Walked in"},
    "feed_posts_read": None,
    "feed_posts_update": {"body": "Taken over"},
    "feed_posts_delete": None,
    "feed_posts_react": {"kind": "celebrate"},
    "feed_replies_list": None,
    "feed_replies_create": {"body": "Hello from elsewhere"},
    "feed_replies_update": {"body": "Taken over"},
    "feed_replies_delete": None,
}

API_PARAMETERS: dict[str, Any] = {
    "feed_post_id": _post_id,
    "feed_reply_id": _reply_id,
}

API_REFUSED: dict[str, int] = {}
