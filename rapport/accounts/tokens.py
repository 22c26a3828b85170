"""Personal access tokens for the API: make one, revoke it, and find whose a secret is.

A secret looks like `rpt_<43 random characters>`; the fixed start lets secret scanners
recognise a leaked one. Only its SHA-256 hash is stored. The secret is 256 random bits, so a
plain hash (no salt, no slow KDF) is enough: there is nothing to guess, and lookups stay one
indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from rapport.audit.actions import Action
from rapport.audit.services import audit_record
from rapport.people.models import Person

from .models import PersonalAccessToken, User

SECRET_START = "rpt_"
#: How much of the secret lists show: the fixed start and six random characters.
PREFIX_LENGTH = len(SECRET_START) + 6
#: last_used_at is only as precise as this, so that a busy script doesn't write every request.
LAST_USED_PRECISION = timedelta(minutes=1)
#: Longer headers are certainly not ours; don't spend a hash on them.
MAX_SECRET_LENGTH = 100


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[PersonalAccessToken, str]:
    """A new token and its secret. The secret exists only in this return value."""
    secret = SECRET_START + secrets.token_urlsafe(32)
    token = PersonalAccessToken(
        user=user,
        name=name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        token_hash=_hash(secret),
        expires_at=expires_at,
    )
    if expires_at is not None and expires_at <= token.created_at:
        raise ValidationError({"expires_at": "A token must expire in the future."})
    token.full_clean()
    with transaction.atomic():
        token.save()
        _audit(token, Action.TOKEN_CREATED)
    return token, secret


def token_revoke(*, token: PersonalAccessToken) -> PersonalAccessToken:
    """Stop the token working. Revoking a revoked token changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        with transaction.atomic():
            token.save(update_fields=["revoked_at"])
            _audit(token, Action.TOKEN_REVOKED)
    return token


def _audit(token: PersonalAccessToken, action: Action) -> None:
    # Labelled by its prefix only: a token's name is whatever its owner typed.
    person = Person.objects.select_related("organization").filter(user_id=token.user_id).first()
    if person is not None:  # users without a person (staff) have no organisation, so no log
        audit_record(
            organization=person.organization,
            actor=person,
            action=action,
            target=token,
            target_label=f"{token.prefix}…",
        )


def token_authenticate(secret: str) -> PersonalAccessToken | None:
    """The usable token this secret opens (with its user and person), or None.

    Unknown, revoked and expired tokens, and tokens of deactivated users, open nothing.
    """
    if not secret.startswith(SECRET_START) or len(secret) > MAX_SECRET_LENGTH:
        return None
    token = (
        PersonalAccessToken.objects.select_related("user__person__organization")
        .filter(token_hash=_hash(secret))
        .first()
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    stale = now - LAST_USED_PRECISION
    if token.last_used_at is None or token.last_used_at < stale:
        # Conditional, so concurrent requests with the same token write at most once.
        PersonalAccessToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale), pk=token.pk
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(*, user: User) -> QuerySet[PersonalAccessToken]:
    """The user's tokens that are not revoked (expired ones included), newest first."""
    return (
        PersonalAccessToken.objects.filter(user=user).not_revoked().order_by("-created_at", "-id")
    )


def get_token_for(user: User, pk: int) -> PersonalAccessToken:
    """The user's own token `pk`, or 404: other people's tokens look like missing ones."""
    try:
        return PersonalAccessToken.objects.get(user=user, pk=pk)
    except (PersonalAccessToken.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404("No such token") from exc
