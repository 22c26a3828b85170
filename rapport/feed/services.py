"""Writes for wins & challenges: posts, replies, reactions, and the mentions inside them.

A reply to someone else's post is an interaction between two people, so it goes to the
ledger (REPLIED, replier → author, once per reply). Posting on its own connects nobody and
records nothing. People are told about a reply (POST_ACTIVITY, the post's author) and about
being mentioned (MENTIONED), the latter only if they may read the post.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from rapport.ledger.kinds import Kind as LedgerKind
from rapport.ledger.services import interaction_record
from rapport.notifications.services import notify
from rapport.notifications.types import NotificationType
from rapport.people.models import Membership, Person, Team

from . import mentions
from .models import MAX_LENGTH, Mention, Post, Reaction, Reply

NOTIFICATION_PREVIEW = 200
#: People considered for the @s of one text (a common first name in a large organisation).
MAX_MENTION_CANDIDATES = 2000


def clean_body(body: str, *, what: str = "post") -> str:
    """Trimmed text of 1..MAX_LENGTH characters, or a ValidationError that says why."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": f"Write something first: a {what} can't be empty."})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": f"Keep it to {MAX_LENGTH} characters; this {what} has {len(body)}."}
        )
    if "\x00" in body:
        raise ValidationError({"body": "The text contains a character we can't store (NUL)."})
    return body


# --- posts ---------------------------------------------------------------------------------


def post_create(
    *,
    author: Person,
    kind: str,
    audience: str,
    body: str,
    team: Team | None = None,
    now: datetime | None = None,
) -> Post:
    """Share a win or a challenge with one of the author's teams or with everyone."""
    body = clean_body(body)
    if kind not in Post.Kind.values:
        raise ValidationError({"kind": "A post is a win or a challenge."})
    if audience not in Post.Audience.values:
        raise ValidationError({"audience": "Post to one of your teams or to everyone."})
    if audience == Post.Audience.ORGANIZATION:
        team = None
    elif team is None:
        raise ValidationError({"team": "Choose which of your teams this post is for."})
    elif not Membership.objects.filter(person=author, team=team).exists():
        raise ValidationError({"team": "You can post to the teams you are in."})
    post = Post(
        organization_id=author.organization_id,
        author=author,
        kind=kind,
        audience=audience,
        team=team,
        body=body,
        created_at=now or timezone.now(),
    )
    post.full_clean(exclude=["organization", "author"], validate_constraints=False)
    with transaction.atomic():
        post.save()
        _mentions_sync(post=post, reply=None, text=body, writer=author)
        if post.is_challenge:
            _suggest_helpers(author=author, post=post)
    return post


def _suggest_helpers(*, author: Person, post: Post) -> None:
    """Tell the author's teammates who have room this week (the help board knows who): for
    a team post only that team's, since the others can't read it."""
    from rapport.helpboard.services import challenge_posted_suggest

    challenge_posted_suggest(author=author, post_url=post_url(post), team=post.team)


def post_update(*, post: Post, editor: Person, body: str, kind: str | None = None) -> Post:
    """The author changes what they wrote (and whether it is a win or a challenge).

    Who it is for stays as it was: the people who could read it have read it.
    """
    _only_author(post.author_id, editor)
    body = clean_body(body)
    if kind is not None and kind not in Post.Kind.values:
        raise ValidationError({"kind": "A post is a win or a challenge."})
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("team").get(pk=post.pk)
        became_challenge = kind == Post.Kind.CHALLENGE and not post.is_challenge
        post.body = body
        post.kind = kind or post.kind
        post.edited_at = timezone.now()
        post.full_clean(exclude=["organization", "author"], validate_constraints=False)
        post.save(update_fields=["body", "kind", "edited_at"])
        _mentions_sync(post=post, reply=None, text=body, writer=editor)
        if became_challenge:
            # A win that turns out to be a challenge after all: the same nudge as posting one.
            _suggest_helpers(author=editor, post=post)
    return post


def post_delete(*, post: Post, actor: Person) -> None:
    """The author takes a post down, with its replies, reactions and mentions."""
    _only_author(post.author_id, actor)
    post.delete()


# --- replies -------------------------------------------------------------------------------


def reply_create(*, author: Person, post: Post, body: str, now: datetime | None = None) -> Reply:
    """Answer a post. The caller has checked the author may read it (get_post_for)."""
    body = clean_body(body, what="reply")
    if author.organization_id != post.organization_id:
        raise ValidationError("You can reply to posts of your own organisation.")
    reply = Reply(
        organization_id=post.organization_id,
        post=post,
        author=author,
        body=body,
        created_at=now or timezone.now(),
    )
    reply.full_clean(exclude=["organization", "post", "author"], validate_constraints=False)
    with transaction.atomic():
        reply.save()
        if post.author_id != author.pk:
            interaction_record(
                actor=author,
                other=post.author,
                kind=LedgerKind.REPLIED,
                occurred_at=reply.created_at,
                source=reply,
            )
            notify(
                recipient=post.author,
                type=NotificationType.POST_ACTIVITY,
                title=f"{author.display_name} replied to your {post.get_kind_display().lower()}",
                body=Truncator(body).chars(NOTIFICATION_PREVIEW),
                url=f"{post_url(post)}#reply-{reply.pk}",
                dedupe_key=f"feed:reply:{reply.pk}",
            )
        _mentions_sync(post=post, reply=reply, text=body, writer=author)
    return reply


def reply_update(*, reply: Reply, editor: Person, body: str) -> Reply:
    _only_author(reply.author_id, editor)
    body = clean_body(body, what="reply")
    with transaction.atomic():
        reply.body = body
        reply.edited_at = timezone.now()
        reply.full_clean(exclude=["organization", "post", "author"], validate_constraints=False)
        reply.save(update_fields=["body", "edited_at"])
        _mentions_sync(post=reply.post, reply=reply, text=body, writer=editor)
    return reply


def reply_delete(*, reply: Reply, actor: Person) -> None:
    """The reply goes; the ledger keeps that the two people exchanged words."""
    _only_author(reply.author_id, actor)
    reply.delete()


# --- reactions -----------------------------------------------------------------------------


def reaction_toggle(*, person: Person, post: Post, kind: str) -> bool:
    """React to a post, or take the same reaction back. Returns whether it is now on."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": "Choose one of the reactions offered."})
    if person.organization_id != post.organization_id:
        raise ValidationError("You can react to posts of your own organisation.")
    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(post=post, person=person, kind=kind).delete()
        if deleted:
            return False
        Reaction.objects.get_or_create(
            post=post,
            person=person,
            kind=kind,
            defaults={"organization_id": post.organization_id},
        )
    return True


# --- mentions ------------------------------------------------------------------------------


def post_url(post: Post) -> str:
    return reverse("feed:post", args=[post.pk])


def mentionable_people(*, writer: Person, text: str) -> list[mentions.Mentionable]:
    """Colleagues of the writer whom the text could be naming (one query, or none)."""
    words, handles = mentions.lookups(mentions.candidates(text))
    if not words and not handles:
        return []
    condition = Q()
    for word in sorted(words):
        condition |= Q(display_name__istartswith=word)
    for handle in sorted(handles):
        condition |= Q(user__email__istartswith=f"{handle}@")
    people = (
        Person.objects.visible_to(writer)
        .current()
        .filter(condition)
        .values_list("pk", "display_name", "user__email")[:MAX_MENTION_CANDIDATES]
    )
    return [
        mentions.Mentionable(id=pk, display_name=name, handle=email.split("@")[0])
        for pk, name, email in people
    ]


def _mentions_sync(*, post: Post, reply: Reply | None, text: str, writer: Person) -> list[int]:
    """Store who the text mentions now; tell the newly mentioned who may read the post."""
    people = mentionable_people(writer=writer, text=text)
    ids = [pk for pk in mentions.mentioned_ids(text, people) if pk != writer.pk]
    existing = Mention.objects.filter(post=post, reply=reply)
    before = set(existing.values_list("person_id", flat=True))
    existing.exclude(person_id__in=ids).delete()
    new = [pk for pk in ids if pk not in before]
    Mention.objects.bulk_create(
        [
            Mention(organization_id=post.organization_id, post=post, reply=reply, person_id=pk)
            for pk in new
        ]
    )
    if new:
        readers = Person.objects.filter(pk__in=new, organization_id=post.organization_id)
        if post.team_id is not None:
            readers = readers.filter(memberships__team_id=post.team_id)
        where = "a reply" if reply is not None else f"a {post.get_kind_display().lower()}"
        url = post_url(post) + (f"#reply-{reply.pk}" if reply is not None else "")
        key = f"feed:mention:reply:{reply.pk}" if reply is not None else f"feed:mention:{post.pk}"
        for person in readers.distinct():
            notify(
                recipient=person,
                type=NotificationType.MENTIONED,
                title=f"{writer.display_name} mentioned you in {where}",
                body=Truncator(text).chars(NOTIFICATION_PREVIEW),
                url=url,
                dedupe_key=key,
            )
    return ids


def _only_author(author_id: int, person: Person) -> None:
    if author_id != person.pk:
        raise PermissionDenied("Only the person who wrote it can change or delete it.")
