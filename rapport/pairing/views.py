"""Pairing pages: my programmes and groups, managing programmes, preferences, rounds,
the meeting rate and buddies."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.lib.forms import ids_from_query
from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, org_admin_required, person_required

from . import selectors, services
from .access import (
    can_create_programs,
    can_manage,
    get_buddy_for,
    get_dont_pair_for,
    get_group_for,
    get_program_for,
    get_round_for,
)
from .forms import AnswerForm, BuddyForm, DontPairForm, ProgramForm, SnoozeForm


def _problems(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_GET
@person_required
def home(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    page = paginate(request, selectors.programs_visible(viewer=viewer), per_page=10)
    standing = selectors.my_standing(viewer=viewer, programs=list(page.object_list))
    current = [
        selectors.group_card(viewer=viewer, membership=m)
        for m in selectors.my_groups(viewer=viewer, current_only=True)[:10]
    ]
    return render(
        request,
        "pairing/home.html",
        {
            "page": page,
            "rows": [(p, standing[p.pk]) for p in page.object_list],
            "current": current,
            "buddies": list(selectors.my_buddies(viewer=viewer)[:10]),
            "can_create": can_create_programs(viewer),
            "manages_any": viewer.is_org_admin
            or selectors.programs_managed(viewer=viewer).exists(),
        },
    )


@require_GET
@person_required
def programs(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    page = paginate(request, selectors.programs_managed(viewer=viewer))
    return render(
        request,
        "pairing/programs.html",
        {"page": page, "can_create": can_create_programs(viewer)},
    )


@require_http_methods(["GET", "POST"])
@person_required
def program_create(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    if not can_create_programs(viewer):
        raise PermissionDenied("Only the people team and team leads start programmes.")
    form = ProgramForm(request.POST or None, viewer=viewer)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(actor=viewer, settings=form.settings())
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{program.name} is ready. Start its first round whenever you like."
            )
            return redirect("pairing:program_detail", pk=program.pk)
    return render(request, "pairing/program_form.html", {"form": form, "program": None})


def _add_errors(form: ProgramForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
@person_required
def program_edit(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    program = get_program_for(viewer, pk)
    if not can_manage(viewer, program):
        raise Http404("Not a programme you manage")
    form = ProgramForm(
        request.POST or None, viewer=viewer, initial=ProgramForm.initial_for(program)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(actor=viewer, program=program, settings=form.settings())
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Saved. The next round follows the new settings.")
            return redirect("pairing:program_detail", pk=program.pk)
    return render(request, "pairing/program_form.html", {"form": form, "program": program})


@require_GET
@person_required
def program_detail(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    program = get_program_for(viewer, pk)
    manages = can_manage(viewer, program)
    standing = selectors.my_standing(viewer=viewer, programs=[program])[program.pk]
    rounds = paginate(request, selectors.program_rounds(program=program), per_page=10)
    rate = (
        selectors.meeting_rates(viewer=viewer, programs=[program]).get(program.pk)
        if manages
        else None
    )
    return render(
        request,
        "pairing/program_detail.html",
        {
            "program": program,
            "manages": manages,
            "standing": standing,
            "page": rounds,
            "rate": rate,
            "next_round": selectors.next_round_at(program),
            "snooze_form": SnoozeForm(),
        },
    )


@require_POST
@person_required
def program_run(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    program = get_program_for(viewer, pk)
    if not can_manage(viewer, program):
        raise Http404("Not a programme you manage")
    try:
        made = services.round_run_now(program=program, actor=viewer)
    except ValidationError as exc:
        messages.error(request, _problems(exc))
    else:
        groups = made.groups.count()
        messages.success(
            request,
            f"Round announced: {groups} group{'s' if groups != 1 else ''}, everyone has been told.",
        )
    return redirect("pairing:program_detail", pk=program.pk)


@require_POST
@person_required
def program_pause(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    program = get_program_for(viewer, pk)
    if not can_manage(viewer, program):
        raise Http404("Not a programme you manage")
    paused = request.POST.get("paused") == "1"
    services.program_set_paused(actor=viewer, program=program, paused=paused)
    messages.success(request, "Paused: no rounds until you resume." if paused else "Resumed.")
    return redirect("pairing:program_detail", pk=program.pk)


@require_POST
@person_required
def participation(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    program = get_program_for(viewer, pk)
    action = request.POST.get("action", "")
    try:
        if action == "join":
            services.participation_update(
                person=viewer, program=program, opted_in=True, clear_snooze=True
            )
            messages.success(request, f"You're in {program.name}. Look out for your group.")
        elif action == "leave":
            services.participation_update(person=viewer, program=program, opted_in=False)
            messages.success(request, f"You've left {program.name}. Rejoin any time.")
        elif action == "wake":
            services.participation_update(person=viewer, program=program, clear_snooze=True)
            messages.success(request, "Welcome back: you're in the next round.")
        elif action == "snooze":
            form = SnoozeForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Choose the date to snooze until.")
            else:
                services.participation_update(
                    person=viewer, program=program, snoozed_until=form.cleaned_data["snoozed_until"]
                )
                messages.success(
                    request, f"Snoozed until {form.cleaned_data['snoozed_until']:%A %d %B}."
                )
        else:
            messages.error(request, "Choose join, leave, snooze or wake up.")
    except ValidationError as exc:
        messages.error(request, _problems(exc))
    if request.POST.get("next") == "home":
        return redirect("pairing:home")
    if request.POST.get("next") == "preferences":
        return redirect("pairing:preferences")
    return redirect("pairing:program_detail", pk=program.pk)


@require_http_methods(["GET", "POST"])
@person_required
def preferences(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    # `?other=<person id>` from a colleague's page opens the form with them chosen.
    chosen = ids_from_query(request, "other", limit=1)
    form = DontPairForm(
        request.POST or None, viewer=viewer, initial={"other": chosen[0]} if chosen else {}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dont_pair_add(person=viewer, other=form.cleaned_data["other"])
        except ValidationError as exc:
            form.add_error("other", exc.messages)
        else:
            messages.success(request, "Added. You won't be grouped together.")
            return redirect("pairing:preferences")
    page = paginate(request, selectors.dont_pair_list(viewer=viewer))
    programs = list(selectors.programs_visible(viewer=viewer)[:50])
    standing = selectors.my_standing(viewer=viewer, programs=programs)
    return render(
        request,
        "pairing/preferences.html",
        {
            "form": form,
            "page": page,
            "rows": [(p, standing[p.pk]) for p in programs],
            "snooze_form": SnoozeForm(),
        },
    )


@require_POST
@person_required
def dont_pair_remove(request: PersonRequest, pk: int) -> HttpResponse:
    entry = get_dont_pair_for(request.person, pk)
    services.dont_pair_remove(person=request.person, entry=entry)
    messages.success(request, "Removed from your list.")
    return redirect("pairing:preferences")


@require_GET
@person_required
def round_detail(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    made = get_round_for(viewer, pk)
    membership = selectors.round_member(viewer=viewer, made=made)
    manages = can_manage(viewer, made.program)
    if membership is None and not manages:
        raise Http404("Not a round you were in")
    return render(
        request,
        "pairing/round_detail.html",
        {
            "round": made,
            "program": made.program,
            "card": selectors.group_card(viewer=viewer, membership=membership)
            if membership
            else None,
            "summary": selectors.round_summary(made=made) if manages else None,
            "form": AnswerForm(),
        },
    )


@require_POST
@person_required
def group_answer(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    group = get_group_for(viewer, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether you met.")
    else:
        try:
            services.group_answer(person=viewer, group=group, answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            messages.error(request, _problems(exc))
        else:
            if form.cleaned_data["answer"] == "met":
                messages.success(request, "Lovely, thanks for telling us.")
            else:
                messages.success(request, "Thanks. There's always the next round.")
    return redirect("pairing:round_detail", pk=group.round_id)


@require_GET
@person_required
def meeting_rates(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    page = paginate(request, selectors.programs_managed(viewer=viewer), per_page=10)
    if not viewer.is_org_admin and not page.object_list:
        raise PermissionDenied("Only the people team and team leads with programmes see this.")
    programs = list(page.object_list)
    rates = selectors.meeting_rates(viewer=viewer, programs=programs)
    return render(
        request,
        "pairing/meeting_rates.html",
        {"page": page, "rows": [(p, rates.get(p.pk)) for p in programs]},
    )


@require_GET
@org_admin_required
def buddies(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    page = paginate(request, selectors.buddies_admin(viewer=viewer))
    candidates = list(BuddyForm(viewer=viewer).fields["buddy"].queryset)  # type: ignore[attr-defined]
    return render(request, "pairing/buddies.html", {"page": page, "candidates": candidates})


@require_POST
@org_admin_required
def buddies_assign(request: PersonRequest) -> HttpResponse:
    made = services.buddies_assign(organization=request.person.organization)
    messages.success(request, services.buddies_assigned_message(made))
    return redirect("pairing:buddies")


@require_POST
@org_admin_required
def buddy_reassign(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    pairing = get_buddy_for(viewer, pk)
    form = BuddyForm(request.POST, viewer=viewer)
    if not form.is_valid():
        messages.error(request, "Choose a colleague from the list.")
    else:
        try:
            services.buddy_reassign(actor=viewer, pairing=pairing, buddy=form.cleaned_data["buddy"])
        except ValidationError as exc:
            messages.error(request, _problems(exc))
        else:
            messages.success(
                request,
                f"{pairing.buddy.display_name} is now {pairing.newcomer.display_name}'s buddy.",
            )
    return redirect("pairing:buddies")
