"""Roadblock pages: my roadblocks, noting one, preparing the talk, the outcome; and the page
where an invited colleague answers (which shows the invitation and nothing else)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.lib.forms import ids_from_query
from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, person_required

from . import selectors, services
from .forms import (
    InvitationForm,
    InvitationResponseForm,
    OpenerForm,
    OutcomeForm,
    RoadblockForm,
)
from .models import InvitationStatus, Outcome, Roadblock


def _form_errors(form: Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_GET
@person_required
def home(request: PersonRequest) -> HttpResponse:
    person = request.person
    page = paginate(request, selectors.roadblocks_of(author=person))
    invitations = list(selectors.invitations_received(person=person, pending_only=True)[:5])
    return render(
        request, "roadblocks/home.html", {"page": page, "pending_invitations": invitations}
    )


@require_http_methods(["GET", "POST"])
@person_required
def new(request: PersonRequest) -> HttpResponse:
    person = request.person
    initial: dict[str, Any] = {}
    if chosen := ids_from_query(request, "person", limit=1):
        initial["person"] = chosen[0]
    form = RoadblockForm(
        request.POST if request.method == "POST" else None, viewer=person, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The form's fields are the service's keywords, one for one.
            roadblock = services.roadblock_create(author=person, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Noted, privately. Here is a way to open the conversation.")
            return redirect("roadblocks:detail", pk=roadblock.pk)
    return render(request, "roadblocks/form.html", {"form": form, "roadblock": None})


def _detail_context(request: PersonRequest, roadblock: Roadblock, **forms: Form) -> dict[str, Any]:
    invitation = selectors.invitation_of(roadblock=roadblock)
    opener_form = forms.get("opener_form") or OpenerForm(
        initial={"opener": roadblock.opener or services.roadblock_opener_draft(roadblock=roadblock)}
    )
    invitation_form = forms.get("invitation_form") or InvitationForm(
        initial={"message": roadblock.opener}
    )
    outcome_form = forms.get("outcome_form") or OutcomeForm(
        initial={"outcome": roadblock.outcome or None}
    )
    return {
        "roadblock": roadblock,
        "invitation": invitation,
        "opener_form": opener_form,
        "invitation_form": invitation_form,
        "outcome_form": outcome_form,
        "can_invite": (roadblock.person is not None and invitation is None and roadblock.is_open),
        "need_help": roadblock.outcome == Outcome.NEED_HELP,
        "InvitationStatus": InvitationStatus,
    }


@require_GET
@person_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    roadblock = selectors.get_roadblock_for(request.person, pk)
    return render(request, "roadblocks/detail.html", _detail_context(request, roadblock))


@require_http_methods(["GET", "POST"])
@person_required
def edit(request: PersonRequest, pk: int) -> HttpResponse:
    person = request.person
    roadblock = selectors.get_roadblock_for(person, pk)
    initial = {
        "person": roadblock.person_id,
        "situation": roadblock.situation,
        "what_happened": roadblock.what_happened,
        "how_i_felt": roadblock.how_i_felt,
        "what_i_need": roadblock.what_i_need,
        "what_i_will_ask": roadblock.what_i_will_ask,
        "remind_after_days": roadblock.remind_after_days,
    }
    form = RoadblockForm(
        request.POST if request.method == "POST" else None, viewer=person, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.roadblock_update(roadblock=roadblock, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("roadblocks:detail", pk=roadblock.pk)
    return render(request, "roadblocks/form.html", {"form": form, "roadblock": roadblock})


@require_POST
@person_required
def opener(request: PersonRequest, pk: int) -> HttpResponse:
    """Save the opener as edited, or (action=suggest) offer a fresh one from the notes."""
    roadblock = selectors.get_roadblock_for(request.person, pk)
    if request.POST.get("action") == "suggest":
        suggestion = services.roadblock_suggest_opener(roadblock=roadblock)
        form = OpenerForm(initial={"opener": suggestion.opener})
        context = _detail_context(request, roadblock, opener_form=form)
        return render(request, "roadblocks/detail.html", context)
    form = OpenerForm(request.POST)
    if form.is_valid():
        try:
            services.roadblock_update(roadblock=roadblock, opener=form.cleaned_data["opener"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Your opener is saved.")
            return redirect("roadblocks:detail", pk=roadblock.pk)
    context = _detail_context(request, roadblock, opener_form=form)
    return render(request, "roadblocks/detail.html", context, status=422)


@require_POST
@person_required
def invite(request: PersonRequest, pk: int) -> HttpResponse:
    roadblock = selectors.get_roadblock_for(request.person, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.roadblock_invite(
                roadblock=roadblock, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Your invitation is on its way to {invitation.recipient.display_name}. "
                "They see only what you wrote in it.",
            )
            return redirect("roadblocks:detail", pk=roadblock.pk)
    context = _detail_context(request, roadblock, invitation_form=form)
    return render(request, "roadblocks/detail.html", context, status=422)


@require_POST
@person_required
def outcome(request: PersonRequest, pk: int) -> HttpResponse:
    roadblock = selectors.get_roadblock_for(request.person, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        services.roadblock_record_outcome(roadblock=roadblock, outcome=form.cleaned_data["outcome"])
        done = {
            Outcome.TALKED_RESOLVED: "Good to hear you talked it through.",
            Outcome.TALKED_ONGOING: "Talking was the hard part. No more reminders for this one.",
            Outcome.LET_GO: "Letting go is a choice too. No more reminders for this one.",
            Outcome.NEED_HELP: "You don't have to do this alone: see the links below.",
        }
        messages.success(request, done[Outcome(form.cleaned_data["outcome"])])
        return redirect("roadblocks:detail", pk=roadblock.pk)
    context = _detail_context(request, roadblock, outcome_form=form)
    return render(request, "roadblocks/detail.html", context, status=422)


@require_POST
@person_required
def delete(request: PersonRequest, pk: int) -> HttpResponse:
    roadblock = selectors.get_roadblock_for(request.person, pk)
    services.roadblock_delete(roadblock=roadblock)
    messages.success(request, "The roadblock is deleted.")
    return redirect("roadblocks:home")


@require_GET
@person_required
def invitations(request: PersonRequest) -> HttpResponse:
    page = paginate(request, selectors.invitations_received(person=request.person))
    return render(request, "roadblocks/invitations.html", {"page": page})


@require_http_methods(["GET", "POST"])
@person_required
def invitation(request: PersonRequest, pk: int) -> HttpResponse:
    """The invited person's page: the message they were sent, and their answer."""
    person = request.person
    found = selectors.get_invitation_for(person, pk)
    form = InvitationResponseForm(
        request.POST if request.method == "POST" else None,
        viewer=person,
        initial={"status": None if found.is_pending else found.status},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invitation_respond(
                invitation=found,
                status=data["status"],
                proposed_time=data["proposed_time"],
                note=data["note"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"{found.sender.display_name} will see your answer.")
            return redirect("roadblocks:invitation", pk=found.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "roadblocks/invitation.html",
        {"invitation": found, "form": form, "InvitationStatus": InvitationStatus},
        status=status,
    )
