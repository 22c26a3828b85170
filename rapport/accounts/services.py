"""Writes about sign-in: invitations (allauth does sign-in, codes and password reset)."""

from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from rapport.audit.actions import Action
from rapport.audit.services import audit_record
from rapport.people.models import Membership, Person, Team

from .models import Invitation, User

INVITATION_VALID_FOR = timedelta(days=14)
logger = logging.getLogger(__name__)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class InvitationSent:
    invitation: Invitation
    emailed: bool  # False: saved, but the mail server could not be reached; resend later


def invitation_send(
    *, inviter: Person, email: str, display_name: str, team: Team | None = None
) -> InvitationSent:
    """Add a person to the inviter's organisation and email them a one-time link."""
    invitation, token = _invitation_create(
        inviter=inviter, email=email, display_name=display_name, team=team
    )
    return InvitationSent(invitation, _send_invitation_email(invitation, token))


@transaction.atomic
def _invitation_create(
    *, inviter: Person, email: str, display_name: str, team: Team | None
) -> tuple[Invitation, str]:
    if not inviter.is_org_admin:
        raise ValidationError("Only org admins can invite people.", code="not_admin")
    email = User.objects.normalize_email(email.strip()).lower()
    display_name = display_name.strip()
    if not display_name:
        raise ValidationError({"display_name": "Please give the person's name."})
    if team is not None and team.organization_id != inviter.organization_id:
        raise ValidationError({"team": "Choose one of your organisation's teams."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone with this email already has an account."})
    user = User(email=email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    person = Person.objects.create(
        user=user,
        organization=inviter.organization,
        display_name=display_name,
        time_zone=inviter.time_zone,
    )
    if team is not None:
        Membership.objects.create(person=person, team=team)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=inviter.organization,
        person=person,
        invited_by=inviter,
        token_hash=_hash(token),
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    audit_record(
        organization=inviter.organization,
        actor=inviter,
        action=Action.INVITATION_SENT,
        target=person,
        details={"invitation_id": invitation.pk, "team_id": team.pk if team else None},
    )
    return invitation, token


def invitation_resend(*, actor: Person, invitation: Invitation) -> InvitationSent:
    """A fresh link (the old one stops working) for an invitation not yet accepted."""
    if not actor.is_org_admin or actor.organization_id != invitation.organization_id:
        raise ValidationError("Only org admins can resend invitations.", code="not_admin")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError("This person has already joined.", code="used")
        invitation.token_hash = _hash(token)
        invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
        invitation.invited_by = actor
        invitation.save(update_fields=["token_hash", "expires_at", "invited_by"])
        audit_record(
            organization=actor.organization,
            actor=actor,
            action=Action.INVITATION_SENT,
            target=invitation.person,
            details={"invitation_id": invitation.pk, "resent": True},
        )
    return InvitationSent(invitation, _send_invitation_email(invitation, token))


def _send_invitation_email(invitation: Invitation, token: str) -> bool:
    """Send the link now, not from a task: the raw token must never be stored anywhere."""
    inviter = invitation.invited_by
    person = invitation.person
    link = settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])
    context = {
        "inviter": inviter,
        "person": person,
        "link": link,
        "days": INVITATION_VALID_FOR.days,
    }
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{inviter} invited you",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[person.user.email],
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not email invitation %s", invitation.pk)
        return False
    return True


def invitation_for_token(token: str) -> Invitation | None:
    """The pending invitation the token opens, if any (expired or used ones open nothing)."""
    return (
        Invitation.objects.pending()
        .select_related("person__user", "organization")
        .filter(token_hash=_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.", code="used")
    user = invitation.person.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(
        organization=invitation.organization,
        actor=invitation.person,
        action=Action.INVITATION_ACCEPTED,
        target=invitation.person,
        details={"invitation_id": invitation.pk},
    )
    return user
