"""The help board pages: the board, my capacity, asking for help, a request and its offers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.feed.access import get_post_for
from rapport.feed.models import Post
from rapport.lib.forms import MAX_ID
from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, person_required
from rapport.people.models import Person

from . import selectors, services
from .forms import CapacityForm, OfferForm, RequestForm
from .models import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    HelpRequest,
    RequestState,
)
from .skills import skills_normalise


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, PermissionDenied):
        return str(exc) or "You may not do this."
    return " ".join(exc.messages)


def _query(**params: str) -> str:
    """A query string prefix keeping the other lists' place: "tab=mine&" or ""."""
    kept = {k: v[:40] for k, v in params.items() if v}
    return urlencode(kept) + "&" if kept else ""


@require_GET
@person_required
def home(request: PersonRequest) -> HttpResponse:
    person = request.person
    tab = "mine" if request.GET.get("tab") == "mine" else "open"
    try:
        skill = next(iter(skills_normalise(request.GET.get("skill", "")[:40], limit=1)), "")
    except ValidationError:
        skill = ""
    now = timezone.now()
    capacity = selectors.capacity_for(person=person)
    requests: QuerySet[HelpRequest] | selectors.MatchesFirst
    if tab == "mine":
        requests = selectors.my_requests(viewer=person)
    else:
        requests = selectors.board_requests(viewer=person, skill=skill, capacity=capacity, now=now)
    page = paginate(request, requests, per_page=selectors.PAGE_SIZE)
    items = list(page.object_list)
    summaries = selectors.offer_summaries(viewer=person, requests=items)
    people_page = paginate(
        request,
        selectors.people_with_capacity(viewer=person, skill=skill, now=now),
        per_page=selectors.PEOPLE_PAGE_SIZE,
        param="people",
    )
    context: dict[str, Any] = {
        "tab": tab,
        "skill": skill,
        "page": page,
        "rows": [(r, summaries[r.pk]) for r in items],
        "people_page": people_page,
        "capacity": capacity,
        "requests_base": _query(
            tab=tab if tab == "mine" else "", skill=skill, people=request.GET.get("people", "")
        ),
        "people_base": _query(
            tab=tab if tab == "mine" else "", skill=skill, page=request.GET.get("page", "")
        ),
        "board_skills": selectors.skill_suggestions(viewer=person),
    }
    return render(request, "helpboard/home.html", context)


@require_http_methods(["GET", "POST"])
@person_required
def capacity(request: PersonRequest) -> HttpResponse:
    person = request.person
    current = selectors.capacity_for(person=person)
    if request.method == "POST":
        form = CapacityForm(request.POST)
        if form.is_valid():
            try:
                services.capacity_update(
                    person=person,
                    status=form.cleaned_data["status"],
                    skills=form.cleaned_data["skills"],
                    suggestions_off=form.cleaned_data["suggestions_off"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Your week on the help board is updated.")
                return redirect("helpboard:home")
    else:
        initial_status = current.status
        if current.is_stale():
            initial_status = "steady"
        form = CapacityForm(
            initial={
                "status": initial_status,
                "skills": ", ".join(s.name for s in current.skill_list),  # type: ignore[attr-defined]
                "suggestions_off": current.suggestions_off,
            }
        )
    context = {
        "form": form,
        "capacity": current,
        "suggestions": selectors.skill_suggestions(viewer=person),
    }
    return render(request, "helpboard/capacity.html", context)


def _source_post(person: Person, raw: str) -> Post | None:
    """The challenge named by `from_post`, if it is one the person may turn into a request
    (their own, and they may still read it); anything else is simply ignored."""
    raw = (raw or "").strip()
    if not raw.isdigit() or len(raw) > 18 or not 1 <= int(raw) <= MAX_ID:
        return None
    try:
        post = get_post_for(person, int(raw))
    except Http404:
        return None
    return post if services.can_ask_from(requester=person, post=post) else None


def _initial_from(person: Person, post: Post | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"needed_by": services.local_today(person) + timedelta(days=7)}
    if post is not None:
        # The challenge's words, and its audience: a team's challenge asks that team.
        body = post.body.strip()
        initial |= {
            "title": Truncator(body.splitlines()[0] if body else "").chars(TITLE_MAX_LENGTH),
            "description": body[:DESCRIPTION_MAX_LENGTH],
        }
        if post.team_id is not None:
            initial |= {"audience": Audience.TEAM, "team": post.team_id}
    return initial


@require_http_methods(["GET", "POST"])
@person_required
def request_new(request: PersonRequest) -> HttpResponse:
    person = request.person
    if request.method == "POST":
        form = RequestForm(request.POST, person=person)
        source_post = _source_post(person, request.POST.get("from_post", ""))
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.help_request_create(
                    requester=person,
                    title=data["title"],
                    description=data["description"],
                    skills=data["skills"],
                    effort=data["effort"],
                    needed_by=data["needed_by"],
                    audience=data["audience"],
                    team=data.get("team"),
                    source_post=source_post,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Your request is on the board.")
                return redirect("helpboard:request_detail", pk=created.pk)
    else:
        # "Ask for help with this" on a challenge links here with `from_post`: the form
        # opens filled in from the post, and the request will link back to it.
        source_post = _source_post(person, request.GET.get("from_post", ""))
        form = RequestForm(person=person, initial=_initial_from(person, source_post))
    context = {
        "form": form,
        "source_post": source_post,
        "suggestions": selectors.skill_suggestions(viewer=person),
    }
    return render(request, "helpboard/request_form.html", context)


def _detail_context(request: PersonRequest, help_request: HelpRequest, **extra: Any) -> dict:
    person = request.person
    offers = list(selectors.request_offers(viewer=person, request=help_request))
    is_mine = help_request.requester_id == person.pk
    return {
        "help_request": help_request,
        "source_post": selectors.source_post_seen_by(viewer=person, request=help_request),
        "offers": offers,
        "is_mine": is_mine,
        "my_offer": next((o for o in offers if o.helper_id == person.pk), None),
        "helpers": selectors.accepted_helpers(request=help_request)
        if help_request.state == RequestState.DONE and is_mine
        else [],
        "offer_form": extra.pop("offer_form", None) or OfferForm(),
        **extra,
    }


@require_GET
@person_required
def request_detail(request: PersonRequest, pk: int) -> HttpResponse:
    help_request = selectors.get_help_request_for(request.person, pk)
    return render(request, "helpboard/request_detail.html", _detail_context(request, help_request))


@require_POST
@person_required
def offer_create(request: PersonRequest, pk: int) -> HttpResponse:
    help_request = selectors.get_help_request_for(request.person, pk)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            services.offer_create(
                request=help_request, helper=request.person, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                # Not about what they typed (their own request, a closed one): say so there.
                messages.error(request, _error_text(exc))
                return redirect("helpboard:request_detail", pk=help_request.pk)
            _add_errors(form, exc)
        else:
            messages.success(request, "Your offer is sent. They will hear about it right away.")
            return redirect("helpboard:request_detail", pk=help_request.pk)
    context = _detail_context(request, help_request, offer_form=form)
    return render(request, "helpboard/request_detail.html", context, status=400)


def _requester_action(
    request: PersonRequest, help_request: HelpRequest, action: Any, done: str
) -> HttpResponse:
    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, done)
    return redirect("helpboard:request_detail", pk=help_request.pk)


@require_POST
@person_required
def offer_accept(request: PersonRequest, pk: int) -> HttpResponse:
    offer = selectors.get_offer_for(request.person, pk)
    return _requester_action(
        request,
        offer.request,
        lambda: services.offer_accept(offer=offer, by=request.person),
        f"You accepted {offer.helper.display_name}'s offer. They have been told.",
    )


@require_POST
@person_required
def request_done(request: PersonRequest, pk: int) -> HttpResponse:
    help_request = selectors.get_help_request_for(request.person, pk)
    return _requester_action(
        request,
        help_request,
        lambda: services.help_request_done(request=help_request, by=request.person),
        "Marked done. A thank-you goes a long way: it takes a moment below.",
    )


@require_POST
@person_required
def request_close(request: PersonRequest, pk: int) -> HttpResponse:
    help_request = selectors.get_help_request_for(request.person, pk)
    return _requester_action(
        request,
        help_request,
        lambda: services.help_request_close(request=help_request, by=request.person),
        "Your request is closed.",
    )
