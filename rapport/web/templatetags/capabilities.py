from django import template

from rapport.web.capabilities import capability_url as _capability_url

register = template.Library()


@register.simple_tag
def capability_url(slug: str) -> str:
    """`{% load capabilities %}{% capability_url "guides" %}`: see web.capabilities."""
    return _capability_url(slug)
