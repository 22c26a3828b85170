"""Guides: the organisation's own version of a default guide, and members' comments.

The default text of each guide ships with Rapport (`guides.content`); an organisation
only stores a row when its admins rewrite one (`GuideOverride`), and "reset to default"
deletes that row. Comments belong to the guide's slug within one organisation.
"""

from __future__ import annotations

from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.lib.tenancy import TenantQuerySet
from rapport.people.models import Organization, Person

from .content import MAX_BODY, MAX_SUMMARY, MAX_TITLE

MAX_COMMENT = 2000


class GuideOverrideQuerySet(TenantQuerySet["GuideOverride"]):
    pass


class GuideOverride(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=40)
    title = models.CharField(max_length=MAX_TITLE, validators=[MinLengthValidator(1)])
    summary = models.CharField(max_length=MAX_SUMMARY, blank=True)
    body = models.TextField(max_length=MAX_BODY, validators=[MinLengthValidator(1)])
    updated_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = GuideOverrideQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint("organization", "slug", name="guides_override_once_per_org"),
            models.CheckConstraint(condition=~Q(title=""), name="guides_override_title"),
            models.CheckConstraint(condition=~Q(body=""), name="guides_override_body"),
        ]

    def __str__(self) -> str:
        return f"Guide: {self.title}"


class GuideCommentQuerySet(TenantQuerySet["GuideComment"]):
    pass


class GuideComment(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    guide_slug = models.SlugField(max_length=40)
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guide_comments")
    body = models.CharField(max_length=MAX_COMMENT, validators=[MinLengthValidator(1)])
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = GuideCommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "guide_slug", "-created_at", "-id"],
                name="guides_comment_guide",
            ),
            models.Index(fields=["author"], name="guides_comment_author"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="guides_comment_body"),
        ]

    def __str__(self) -> str:
        return f"Comment by {self.author_id} on {self.guide_slug}"
