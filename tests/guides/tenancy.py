"""The guides' routes and API operations for the tenancy walks (tests/tenancy).

A guide's slug names the same default guide in every organisation, so guide pages are
"static" routes: an outsider opening /guides/checkins/ reads their own organisation's
guide, and must see nothing of the first organisation's version or comments. The API walk
requires 404 for every path parameter, so it is given a slug no organisation has; that an
outsider reading a real slug sees none of the first organisation's text is tested in
tests/guides/test_api.py.
"""

from __future__ import annotations

from typing import Any

from rapport.guides.services import comment_create, guide_update


def _customised(w: Any) -> str:
    guide_update(
        actor=w.admin,
        slug="kudos",
        title="Kudos at Hidden Team Xyzzy",
        summary="Zelda Secretname wrote this.",
        body="Thank Zelda Secretname.",
    )
    comment_create(author=w.person, slug="kudos", body="Zelda Secretname says hi")
    return "kudos"


def _comment_id(w: Any) -> int:
    return comment_create(author=w.person, slug="care", body="Zelda Secretname was here").pk


ROUTES: dict[str, tuple[str, Any]] = {
    "guides:home": ("page", None),
    "guides:detail": ("static", lambda w: {"slug": _customised(w)}),
    "guides:comment_create": ("static", lambda w: {"slug": _customised(w)}),
    "guides:edit": ("static", lambda w: {"slug": _customised(w)}),
    "guides:reset": ("static", lambda w: {"slug": _customised(w)}),
    "guides:comment_edit": ("object", lambda w: {"pk": _comment_id(w)}),
    "guides:comment_delete": ("object", lambda w: {"pk": _comment_id(w)}),
}

API_OPERATIONS: dict[str, Any] = {
    "guides_list": None,
    "guides_read": None,
    "guides_update": {"title": "Taken over", "body": "Taken over"},
    "guides_reset": None,
    "guide_comments_list": None,
    "guide_comments_create": {"body": "Hello from elsewhere"},
    "guide_comments_update": {"body": "Taken over"},
    "guide_comments_delete": None,
}

API_PARAMETERS: dict[str, Any] = {
    "guide_slug": lambda w: (_customised(w), "no-such-guide")[1],
    "guide_comment_id": _comment_id,
}

API_REFUSED: dict[str, int] = {}
