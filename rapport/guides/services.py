"""Writes for guides: an organisation's own text for a guide (org admins, audited), going
back to the default, and members' comments."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from rapport.audit.actions import Action
from rapport.audit.services import audit_record
from rapport.people.models import Person

from .content import MAX_BODY, MAX_SUMMARY, MAX_TITLE, defaults
from .models import MAX_COMMENT, GuideComment, GuideOverride

# The audit registry has no guide action yet (see the report to the integrator); until it
# does, an edit is logged as a change to the organisation's settings, with the guide's slug.


def _known(slug: str) -> None:
    if slug not in defaults():
        raise ValidationError({"slug": "There is no guide by that name."})


def _admin(actor: Person) -> None:
    if not actor.is_org_admin:
        raise PermissionDenied("Only org admins can change the guides of the organisation.")


def _text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise ValidationError({field: f"The {label} can't be empty."})
    if len(value) > limit:
        raise ValidationError({field: f"Keep the {label} to {limit} characters ({len(value)})."})
    if "\x00" in value:
        raise ValidationError({field: "The text contains a character we can't store (NUL)."})
    return value


def guide_update(
    *, actor: Person, slug: str, title: str, summary: str, body: str, ip: str | None = None
) -> GuideOverride:
    """Give the organisation its own text for a guide (an org admin's action, logged)."""
    _admin(actor)
    _known(slug)
    title = _text(title, field="title", label="title", limit=MAX_TITLE)
    summary = _text(summary, field="summary", label="summary", limit=MAX_SUMMARY, required=False)
    body = _text(body, field="body", label="guide", limit=MAX_BODY)
    with transaction.atomic():
        override, created = GuideOverride.objects.select_for_update().get_or_create(
            organization_id=actor.organization_id,
            slug=slug,
            defaults={"title": title, "summary": summary, "body": body, "updated_by": actor},
        )
        if not created:
            override.title, override.summary, override.body = title, summary, body
            override.updated_by = actor
            override.updated_at = timezone.now()
            override.full_clean(exclude=["organization", "updated_by"], validate_unique=False)
            override.save(update_fields=["title", "summary", "body", "updated_by", "updated_at"])
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.GUIDE_EDITED,
            target=override,
            target_label=f"Guide: {title}"[:200],
            details={"guide": slug, "change": "edited", "first_edit": created},
            ip=ip,
        )
    return override


def guide_reset(*, actor: Person, slug: str, ip: str | None = None) -> bool:
    """Go back to Rapport's default text; False if the guide was not customised."""
    _admin(actor)
    _known(slug)
    with transaction.atomic():
        override = (
            GuideOverride.objects.select_for_update()
            .filter(organization_id=actor.organization_id, slug=slug)
            .first()
        )
        if override is None:
            return False
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.GUIDE_RESET,
            target=override,
            target_label=f"Guide: {defaults()[slug].title}",
            details={"guide": slug, "change": "reset_to_default"},
            ip=ip,
        )
        override.delete()
    return True


def comment_create(*, author: Person, slug: str, body: str) -> GuideComment:
    _known(slug)
    comment = GuideComment(
        organization_id=author.organization_id,
        guide_slug=slug,
        author=author,
        body=_text(body, field="body", label="comment", limit=MAX_COMMENT),
    )
    comment.full_clean(exclude=["organization", "author"], validate_constraints=False)
    comment.save()
    return comment


def comment_update(*, comment: GuideComment, editor: Person, body: str) -> GuideComment:
    _only_author(comment, editor)
    comment.body = _text(body, field="body", label="comment", limit=MAX_COMMENT)
    comment.edited_at = timezone.now()
    comment.full_clean(exclude=["organization", "author"], validate_constraints=False)
    comment.save(update_fields=["body", "edited_at"])
    return comment


def comment_delete(*, comment: GuideComment, actor: Person) -> None:
    _only_author(comment, actor)
    comment.delete()


def _only_author(comment: GuideComment, person: Person) -> None:
    if comment.author_id != person.pk:
        raise PermissionDenied("Only the person who wrote a comment can change or delete it.")
