"""Wins & challenges: short posts to a team or the whole organisation, their replies,
reactions and the people they mention.

Who may see a post is decided in one place, `PostQuerySet.visible_to`: a post to the
organisation is for everyone in it, a post to a team only for that team's members. Replies,
reactions and mentions are visible exactly when their post is.
"""

from __future__ import annotations

from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Membership, Organization, Person, Team

#: A post or reply is short: a few sentences, not an essay.
MAX_LENGTH = 1000


def viewer_team_ids(viewer: Person) -> models.QuerySet[Membership, int]:
    """The teams whose posts the viewer may read: the ones they belong to."""
    return Membership.objects.filter(person=viewer).values_list("team_id", flat=True)


class PostQuerySet(TenantQuerySet["Post"]):
    def visible_to(self, viewer: Person) -> Self:
        """Posts to the viewer's organisation, and posts to the teams they are in."""
        return self.in_organization(viewer.organization).filter(
            Q(team__isnull=True) | Q(team_id__in=viewer_team_ids(viewer))
        )


class Post(models.Model):
    class Kind(models.TextChoices):
        WIN = "win", "Win"
        CHALLENGE = "challenge", "Challenge"

    class Audience(models.TextChoices):
        TEAM = "team", "My team"
        ORGANIZATION = "organization", "Everyone"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="feed_posts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    audience = models.CharField(max_length=12, choices=Audience.choices)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feed_posts",
        help_text="The team a team post is for; empty for a post to everyone.",
    )
    body = models.CharField(max_length=MAX_LENGTH, validators=[MinLengthValidator(1)])
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The home feed reads two ordered ranges and merges them: the organisation's
            # posts (this partial index) and the posts of the viewer's few teams (the next).
            models.Index(
                "organization",
                models.F("created_at").desc(),
                models.F("id").desc(),
                condition=Q(team__isnull=True),
                name="feed_post_org_feed",
            ),
            models.Index(
                "team", models.F("created_at").desc(), models.F("id").desc(), name="feed_post_team"
            ),
            models.Index(
                "author",
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="feed_post_author",
            ),
            models.Index(fields=["organization", "kind", "created_at"], name="feed_post_org_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="team", team__isnull=False)
                | Q(audience="organization", team__isnull=True),
                name="feed_post_team_iff_team_audience",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["win", "challenge"]), name="feed_post_kind_known"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="feed_post_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author_id} at {self.created_at:%Y-%m-%d}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.audience == self.Audience.TEAM and self.team_id is None:
            errors["team"] = "Choose the team this post is for."
        if self.audience == self.Audience.ORGANIZATION and self.team_id is not None:
            errors["team"] = "A post to everyone is not for one team."
        if self.team is not None and self.team.organization_id != self.organization_id:
            errors["team"] = "That team is not in your organisation."
        if errors:
            raise ValidationError(errors)

    @property
    def is_challenge(self) -> bool:
        return self.kind == self.Kind.CHALLENGE


class ReplyQuerySet(TenantQuerySet["Reply"]):
    def visible_to(self, viewer: Person) -> Self:
        return self.filter(post__in=Post.objects.visible_to(viewer))


class Reply(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="feed_replies")
    body = models.CharField(max_length=MAX_LENGTH, validators=[MinLengthValidator(1)])
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "replies"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["post", "created_at", "id"], name="feed_reply_post"),
            models.Index(fields=["author", "created_at"], name="feed_reply_author"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="feed_reply_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Reply by {self.author_id} to post {self.post_id}"


class ReactionQuerySet(TenantQuerySet["Reaction"]):
    def visible_to(self, viewer: Person) -> Self:
        return self.filter(post__in=Post.objects.visible_to(viewer))


class Reaction(models.Model):
    """One person's reaction of one kind to a post; reacting again takes it back."""

    class Kind(models.TextChoices):
        CELEBRATE = "celebrate", "Celebrate"
        SUPPORT = "support", "With you"
        THANKS = "thanks", "Thank you"
        INSIGHT = "insight", "Good to know"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="feed_reactions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReactionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["person", "created_at"], name="feed_reaction_person")]
        constraints = [
            models.UniqueConstraint("post", "person", "kind", name="feed_reaction_once"),
            models.CheckConstraint(
                condition=Q(kind__in=["celebrate", "support", "thanks", "insight"]),
                name="feed_reaction_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} post {self.post_id}"


#: How each reaction shows on a button (the label is for screen readers and the API).
REACTION_SYMBOLS: dict[str, str] = {
    Reaction.Kind.CELEBRATE: "🎉",
    Reaction.Kind.SUPPORT: "🤝",
    Reaction.Kind.THANKS: "🙏",
    Reaction.Kind.INSIGHT: "💡",
}


class MentionQuerySet(TenantQuerySet["Mention"]):
    def visible_to(self, viewer: Person) -> Self:
        return self.filter(post__in=Post.objects.visible_to(viewer))


class Mention(models.Model):
    """Someone named with @ in a post or in one of its replies."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="feed_mentions")

    objects = MentionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["person"], name="feed_mention_person")]
        constraints = [
            models.UniqueConstraint(
                "post",
                "person",
                condition=Q(reply__isnull=True),
                name="feed_mention_once_per_post",
            ),
            models.UniqueConstraint(
                "reply",
                "person",
                condition=Q(reply__isnull=False),
                name="feed_mention_once_per_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} mentioned in post {self.post_id}"
