"""Template helpers for the feed: post and reply text with their mentions as links, and
where a challenge's "ask for help" button leads."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString

from .. import mentions

register = template.Library()


@register.filter
def with_mentions(item: Any) -> SafeString:
    """A post's or reply's body, escaped, with the people it mentions linked."""
    return mentions.render(item.body, getattr(item, "mentioned", []))


@register.simple_tag
def help_request_url(post: Any) -> str:
    """The help board's new-request form for this challenge: it opens filled in from the
    post (`from_post`), and the request it makes links back to the post."""
    return f"{reverse('helpboard:request_new')}?{urlencode({'from_post': post.pk})}"
