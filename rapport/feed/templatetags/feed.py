"""Template helpers for the feed: post and reply text with their mentions as links, and
where a challenge's "ask for help" button leads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from rapport.web.capabilities import capability_url

from .. import mentions

register = template.Library()

#: The help board's request titles are short; the whole post goes into the description.
HELP_TITLE_LENGTH = 100


@register.filter
def with_mentions(item: Any) -> SafeString:
    """A post's or reply's body, escaped, with the people it mentions linked."""
    return mentions.render(item.body, getattr(item, "mentioned", []))


@register.simple_tag
def help_request_url(post: Any) -> str:
    """The help board's new-request form, filled in from this post (its words as title and
    description, and `from_post` so the request can link back); until the help board offers
    that form, its page."""
    try:
        form = reverse("helpboard:request_new")
    except NoReverseMatch:
        return capability_url("helpboard")
    return f"{form}?{urlencode(help_request_prefill(post))}"


def help_request_prefill(post: Any) -> dict[str, Any]:
    first_line = post.body.strip().splitlines()[0] if post.body.strip() else ""
    return {
        "from_post": post.pk,
        "title": Truncator(first_line).chars(HELP_TITLE_LENGTH),
        "description": post.body,
    }
