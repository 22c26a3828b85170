"""Skills are free tags: whatever people type, normalised so "Figma ", "figma" and "FIGMA"
are one tag of the organisation."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rapport.people.models import Organization

from .models import SKILL_MAX_LENGTH, Skill

_SPACES = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[,;\n]")


def skills_normalise(raw: str | Iterable[str], *, limit: int, field: str = "skills") -> list[str]:
    """Lower-case, trimmed, single-spaced, unique tags in the order given.

    A string is split at commas (the forms' one text box); a list (the API) is taken as is.
    Refuses more than `limit` tags and tags longer than SKILL_MAX_LENGTH, with a message
    that says which.
    """
    parts = _SEPARATORS.split(raw) if isinstance(raw, str) else list(raw)
    names: list[str] = []
    for part in parts:
        name = _SPACES.sub(" ", str(part).replace("\x00", "")).strip().lower().strip("#")
        if not name or name in names:
            continue
        if len(name) > SKILL_MAX_LENGTH:
            raise ValidationError(
                {
                    field: f"“{name[:20]}…” is too long for a skill: keep each under "
                    f"{SKILL_MAX_LENGTH} characters."
                },
                code="skill_too_long",
            )
        names.append(name)
    if len(names) > limit:
        raise ValidationError(
            {field: f"That is {len(names)} skills; choose at most {limit}."},
            code="too_many_skills",
        )
    return names


def skills_get_or_create(*, organization: Organization, names: list[str]) -> list[Skill]:
    """The organisation's Skill rows for these (normalised) names, creating missing ones."""
    if not names:
        return []
    found = Skill.objects.in_organization(organization).filter(name__in=names)
    existing = {skill.name: skill for skill in found}
    for name in names:
        if name in existing:
            continue
        try:
            with transaction.atomic():
                existing[name] = Skill.objects.create(organization=organization, name=name)
        except IntegrityError:  # someone added the same tag a moment ago
            existing[name] = Skill.objects.in_organization(organization).get(name=name)
    return [existing[name] for name in names]
