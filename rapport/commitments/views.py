"""Pages for commitments: the three lists, making and asking, one promise with its history
and the moves each side can make, the follow-through record, settings, team figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.lib.forms import ids_from_query
from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, person_required

from . import selectors, services
from .forms import (
    AcceptForm,
    AskForm,
    NoteForm,
    PromiseForm,
    RenegotiateForm,
    SettingsForm,
    hours_text,
)
from .models import Commitment
from .selectors import Show, Tab
from .states import Side, actions_for

TAB_LABELS = {
    Tab.PROMISED: "I promised",
    Tab.TO_ME: "Promised to me",
    Tab.ASKED: "Asked of me",
}


def _copy_errors(form: forms.Form, error: ValidationError, *, rename: dict[str, str]) -> None:
    for field, problems in error.message_dict.items():
        name = rename.get(field, field)
        form.add_error(name if name in form.fields else None, problems)


@require_GET
@person_required
def home(request: PersonRequest) -> HttpResponse:
    person = request.person
    tab_text, show_text = request.GET.get("tab", ""), request.GET.get("show", "")
    tab = Tab(tab_text) if tab_text in {t.value for t in Tab} else Tab.PROMISED
    show = Show(show_text) if show_text in {s.value for s in Show} else Show.ACTIVE
    page = paginate(request, selectors.commitments_for(person=person, tab=tab, show=show))
    counts = selectors.tab_counts(person=person)
    context = {
        "page": page,
        "tab": tab,
        "show": show,
        "tabs": [(t.value, label, counts[t.value]) for t, label in TAB_LABELS.items()],
        "tab_label": TAB_LABELS[tab],
    }
    template = "commitments/_list.html" if request.htmx else "commitments/home.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@person_required
def new(request: PersonRequest) -> HttpResponse:
    person = request.person
    form = PromiseForm(
        request.POST or None, viewer=person, initial={"receiver_ids": _linked_people(request)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_promise(
                promiser=person,
                receiver_ids=form.cleaned_data["receiver_ids"],
                text=form.cleaned_data["text"],
                due_at=form.due_at,
            )
        except ValidationError as error:
            _copy_errors(form, error, rename={"due_at": "due_time"})
        else:
            messages.success(request, "Promise made. You'll get reminders before it's due.")
            return redirect("commitments:detail", pk=commitment.pk)
    return render(request, "commitments/new.html", {"form": form, "asking": False})


@require_http_methods(["GET", "POST"])
@person_required
def ask(request: PersonRequest) -> HttpResponse:
    person = request.person
    linked = _linked_people(request)
    form = AskForm(
        request.POST or None, viewer=person, initial={"promiser_id": linked[0] if linked else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_ask(
                asker=person,
                promiser_id=form.cleaned_data["promiser_id"],
                text=form.cleaned_data["text"],
                due_at=form.due_at,
            )
        except ValidationError as error:
            _copy_errors(form, error, rename={"due_at": "due_time"})
        else:
            messages.success(request, "Asked. You'll hear when they answer.")
            return redirect("commitments:detail", pk=commitment.pk)
    return render(request, "commitments/new.html", {"form": form, "asking": True})


def _linked_people(request: PersonRequest) -> list[int]:
    """`?to=<person id>` (repeatable) from links such as a colleague's page; the form's
    choices decide who may really be picked."""
    return ids_from_query(request, "to")


def _side_of(commitment: Commitment, request: PersonRequest) -> Side:
    if commitment.promiser_id == request.person.pk:
        return Side.PROMISER
    return Side.RECEIVER  # get_commitment_for found them a party


def _detail(request: PersonRequest, commitment: Commitment, **forms_: forms.Form) -> HttpResponse:
    person = request.person
    side = _side_of(commitment, request)
    tz = person.tz
    context: dict[str, Any] = {
        "commitment": commitment,
        "side": side.value,
        "actions": {a.value for a in actions_for(state=commitment.state, side=side)},
        "history": selectors.commitment_history(commitment=commitment),
        "overdue": commitment.is_overdue(),
        "accept_form": forms_.get("accept") or AcceptForm(tz=tz, prefix="accept"),
        "decline_form": forms_.get("decline")
        or NoteForm(required=True, label="Why not (a short note)", prefix="decline"),
        "renegotiate_form": forms_.get("renegotiate")
        or RenegotiateForm(tz=tz, prefix="renegotiate"),
        "deliver_form": forms_.get("deliver")
        or NoteForm(label="Anything to add (optional)", prefix="deliver"),
        "object_form": forms_.get("object")
        or NoteForm(required=True, label="What is still missing", prefix="object"),
        "release_form": forms_.get("release")
        or NoteForm(label="A kind word (optional)", prefix="release"),
        "open_form": next(iter(forms_), ""),
    }
    return render(request, "commitments/detail.html", context)


@require_GET
@person_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_commitment_for(request.person, pk))


def _act(
    request: PersonRequest,
    pk: int,
    *,
    name: str,
    form: forms.Form,
    run: Callable[[Commitment, forms.Form], Commitment],
    done: str,
    rename: dict[str, str] | None = None,
) -> HttpResponse:
    """Parse the form, make the move, and come back to the promise; on a problem, show the
    promise again with the message beside the form (nothing is saved)."""
    commitment = selectors.get_commitment_for(request.person, pk)
    if form.is_valid():
        try:
            run(commitment, form)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("commitments:detail", pk=pk)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # About the promise's state, not the input: the form may not even be shown.
                messages.error(request, " ".join(error.messages))
                return redirect("commitments:detail", pk=pk)
            _copy_errors(form, error, rename=rename or {})
        else:
            messages.success(request, done)
            return redirect("commitments:detail", pk=pk)
    commitment = selectors.get_commitment_for(request.person, pk)
    return _detail(request, commitment, **{name: form})


@require_POST
@person_required
def accept(request: PersonRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        name="accept",
        form=AcceptForm(request.POST, tz=request.person.tz, prefix="accept"),
        run=lambda c, f: services.commitment_accept(
            commitment=c, person=request.person, due_at=f.cleaned_data["due_at"]
        ),
        done="Accepted. It's in your promises now, with reminders.",
        rename={"due_at": "due_time"},
    )


@require_POST
@person_required
def decline(request: PersonRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        name="decline",
        form=NoteForm(request.POST, required=True, prefix="decline"),
        run=lambda c, f: services.commitment_decline(
            commitment=c, person=request.person, note=f.cleaned_data["note"]
        ),
        done="Declined. Saying no clearly is kinder than a quiet maybe.",
    )


@require_POST
@person_required
def renegotiate(request: PersonRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        name="renegotiate",
        form=RenegotiateForm(request.POST, tz=request.person.tz, prefix="renegotiate"),
        run=lambda c, f: services.commitment_renegotiate(
            commitment=c,
            person=request.person,
            due_at=f.cleaned_data["due_at"],
            message=f.cleaned_data["message"],
        ),
        done="New date saved, and they've been told.",
        rename={"due_at": "due_time"},
    )


@require_POST
@person_required
def deliver(request: PersonRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        name="deliver",
        form=NoteForm(request.POST, prefix="deliver"),
        run=lambda c, f: services.commitment_deliver(
            commitment=c, person=request.person, note=f.cleaned_data["note"]
        ),
        done="Marked delivered. They can confirm it; otherwise it counts as done in three days.",
    )


@require_POST
@person_required
def confirm(request: PersonRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        name="confirm",
        form=forms.Form(request.POST),
        run=lambda c, f: services.commitment_confirm(commitment=c, person=request.person),
        done="Confirmed as done. Thanks for closing the loop.",
    )


@require_POST
@person_required
def object_(request: PersonRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        name="object",
        form=NoteForm(request.POST, required=True, prefix="object"),
        run=lambda c, f: services.commitment_object(
            commitment=c, person=request.person, note=f.cleaned_data["note"]
        ),
        done="Sent back with your note. The promise is open again.",
    )


@require_POST
@person_required
def release(request: PersonRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        name="release",
        form=NoteForm(request.POST, prefix="release"),
        run=lambda c, f: services.commitment_release(
            commitment=c, person=request.person, note=f.cleaned_data["note"]
        ),
        done="Released. They don't owe you this any more.",
    )


# --- records and settings ------------------------------------------------------------------


@require_GET
@person_required
def record(request: PersonRequest) -> HttpResponse:
    person = request.person
    context = {
        "record": selectors.follow_through(person=person),
        "settings": selectors.settings_for(person=person),
        "days": selectors.RECORD_DAYS,
        "leads_teams": selectors.teams_led(viewer=person).exists(),
    }
    return render(request, "commitments/record.html", context)


@require_GET
@person_required
def person_record(request: PersonRequest, pk: int) -> HttpResponse:
    someone = selectors.get_shared_record_person_for(request.person, pk)
    if someone.pk == request.person.pk:
        return redirect("commitments:record")
    context = {
        "someone": someone,
        "record": selectors.follow_through(person=someone),
        "days": selectors.RECORD_DAYS,
    }
    return render(request, "commitments/person_record.html", context)


@require_GET
@person_required
def shared(request: PersonRequest) -> HttpResponse:
    """Teammates who chose to show their record to their team."""
    page = paginate(request, selectors.teammates_sharing(viewer=request.person))
    context = {"page": page, "sharing": selectors.shares_record(request.person)}
    return render(request, "commitments/shared.html", context)


@require_http_methods(["GET", "POST"])
@person_required
def settings_page(request: PersonRequest) -> HttpResponse:
    person = request.person
    current = selectors.settings_for(person=person)
    initial = {
        "reminder_hours": hours_text(current.reminder_minutes),
        "share_record": current.share_record,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_settings_update(
                person=person,
                reminder_minutes=form.cleaned_data["reminder_hours"],
                share_record=form.cleaned_data["share_record"],
            )
        except ValidationError as error:
            _copy_errors(form, error, rename={"reminder_minutes": "reminder_hours"})
        else:
            messages.success(request, "Saved. Reminders for your open promises follow along.")
            return redirect("commitments:record")
    return render(request, "commitments/settings.html", {"form": form})


@require_GET
@person_required
def teams(request: PersonRequest) -> HttpResponse:
    page = paginate(request, selectors.teams_led(viewer=request.person))
    return render(request, "commitments/teams.html", {"page": page})


@require_GET
@person_required
def team(request: PersonRequest, pk: int) -> HttpResponse:
    team = selectors.get_team_record_team_for(request.person, pk)
    result = selectors.team_follow_through(viewer=request.person, team=team)
    context = {"team": team, "result": result, "days": selectors.RECORD_DAYS}
    return render(request, "commitments/team.html", context)
