"""Who may open which post or reply. Every lookup from a request goes through here and
answers 404 for "does not exist", "another organisation's" and "a team you're not in" alike.
"""

from __future__ import annotations

from rapport.lib.tenancy import get_for
from rapport.people.models import Membership, Person, Team

from .models import Post, Reply


def get_post_for(viewer: Person, pk: int) -> Post:
    """A post the viewer may read (the help board calls this for `?from_post=`)."""
    return get_for(viewer, Post.objects.select_related("author", "team"), pk=pk)


def get_own_post_for(viewer: Person, pk: int) -> Post:
    """A post the viewer wrote: only its author edits or deletes it."""
    posts = Post.objects.select_related("author", "team").filter(author=viewer)
    return get_for(viewer, posts, pk=pk)


def get_reply_for(viewer: Person, pk: int) -> Reply:
    return get_for(viewer, Reply.objects.select_related("author", "post__author"), pk=pk)


def get_own_reply_for(viewer: Person, pk: int) -> Reply:
    replies = Reply.objects.select_related("author", "post__author").filter(author=viewer)
    return get_for(viewer, replies, pk=pk)


def get_feed_team_for(viewer: Person, pk: int) -> Team:
    """A team whose feed the viewer may read: one they belong to."""
    teams = Team.objects.filter(memberships__person=viewer)
    return get_for(viewer, teams, pk=pk)


def can_see(person: Person, post: Post) -> bool:
    """Whether `person` may read `post` (same rule as PostQuerySet.visible_to)."""
    if person.organization_id != post.organization_id or person.erased_at is not None:
        return False
    if post.team_id is None:
        return True
    return Membership.objects.filter(person=person, team_id=post.team_id).exists()
