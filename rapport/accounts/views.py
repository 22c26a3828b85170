"""Invitations: org admins invite people; the invited person opens the link once."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.accounts.models import Invitation
from rapport.lib.pagination import paginate
from rapport.lib.tenancy import get_for
from rapport.people.access import PersonRequest, org_admin_required

from .forms import AcceptInvitationForm, InviteForm
from .services import (
    InvitationSent,
    invitation_accept,
    invitation_for_token,
    invitation_resend,
    invitation_send,
)


@require_http_methods(["GET", "POST"])
@org_admin_required
def invite(request: PersonRequest) -> HttpResponse:
    inviter = request.person
    form = InviteForm(request.POST or None, inviter=inviter)
    if request.method == "POST" and form.is_valid():
        try:
            sent = invitation_send(inviter=inviter, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            _say_if_emailed(request, sent)
            return redirect("accounts:invite")
    pending = paginate(
        request,
        Invitation.objects.filter(organization=inviter.organization)
        .select_related("person__user", "invited_by")
        .order_by("-created_at"),
    )
    return render(request, "accounts/invite.html", {"form": form, "page": pending})


@require_POST
@org_admin_required
def invitation_resend_view(request: PersonRequest, pk: int) -> HttpResponse:
    invitation = get_for(request.person, Invitation.objects.select_related("person__user"), pk=pk)
    try:
        sent = invitation_resend(actor=request.person, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _say_if_emailed(request, sent)
    return redirect("accounts:invite")


def _say_if_emailed(request: HttpRequest, sent: InvitationSent) -> None:
    email = sent.invitation.person.user.email
    if sent.emailed:
        messages.success(request, f"Invitation sent to {email}.")
    else:
        messages.warning(
            request,
            f"{sent.invitation.person.display_name} is added, but the email to {email} could "
            "not be sent just now. Use “Send again” in a moment.",
        )


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error("password1", exc.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.organization.name}!")
            return redirect("today")
    return render(
        request, "accounts/accept_invitation.html", {"form": form, "invitation": invitation}
    )
