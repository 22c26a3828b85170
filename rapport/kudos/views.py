"""Kudos pages: the feeds, giving thanks, one kudos with reactions and replies, the
organisation's values, unsung teammates and the org admins' review of traded thanks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.audit.services import client_ip
from rapport.lib.forms import ids_from_query
from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, get_team_for, org_admin_required, person_required
from rapport.people.models import Person

from . import selectors, services, trading
from .forms import GiveForm, ReplyForm, SettingsForm, ValueForm
from .models import MESSAGE_MAX_LENGTH, Kudos


def _decorate(kudos_list: Any, viewer: Person) -> None:
    """Attach what the templates show (no queries: everything is prefetched)."""
    for kudos in kudos_list:
        kudos.reaction_list = selectors.reaction_summary(kudos, viewer=viewer)
        kudos.receiver_list = selectors.kudos_receivers(kudos)


def _add_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _feed(request: PersonRequest, *, tab: str, kudos: Any, extra: dict[str, Any]) -> HttpResponse:
    page = paginate(request, kudos)
    _decorate(page.object_list, request.person)
    context = {"page": page, "tab": tab, **extra}
    template = "kudos/_feed.html" if request.htmx else "kudos/home.html"
    return render(request, template, context)


@require_GET
@person_required
def home(request: PersonRequest) -> HttpResponse:
    """The organisation's feed: thanks shared with everyone."""
    return _feed(
        request, tab="org", kudos=selectors.kudos_feed_org(viewer=request.person), extra={}
    )


@require_GET
@person_required
def team_feed(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    my_teams = list(selectors.viewer_teams(viewer=viewer))
    team = None
    raw = request.GET.get("team", "")
    if raw.isdigit():
        team = get_team_for(viewer, int(raw))
    teams = [team] if team is not None else my_teams
    kudos = selectors.kudos_feed_team(viewer=viewer, teams=teams)
    return _feed(request, tab="team", kudos=kudos, extra={"team": team, "my_teams": my_teams})


@require_GET
@person_required
def mine(request: PersonRequest) -> HttpResponse:
    show = request.GET.get("show", "all")
    if show not in selectors.MINE_SHOWS:
        show = "all"
    kudos = selectors.kudos_feed_mine(viewer=request.person, show=show)
    return _feed(request, tab="mine", kudos=kudos, extra={"show": show})


@require_http_methods(["GET", "POST"])
@person_required
def give(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    if request.method == "POST":
        form = GiveForm(request.POST, viewer=viewer)
        if form.is_valid():
            data = form.cleaned_data
            try:
                kudos = services.kudos_give(
                    giver=viewer,
                    receivers=list(data["receivers"]),
                    message=data["message"],
                    value=data["value"],
                    audience=data["audience"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                names = ", ".join(p.display_name for p in data["receivers"])
                messages.success(request, f"Your thanks are on their way to {names}.")
                return redirect("kudos:detail", pk=kudos.pk)
    else:
        # Other pages link here pre-filled: `?to=<person id>` (repeatable) and `?message=`.
        wanted = ids_from_query(request, "to")
        message = request.GET.get("message", "")[:MESSAGE_MAX_LENGTH]
        form = GiveForm(viewer=viewer, initial={"receivers": wanted, "message": message})
    return render(request, "kudos/give.html", {"form": form})


def _detail_context(request: PersonRequest, kudos: Kudos, reply_form: ReplyForm) -> dict[str, Any]:
    _decorate([kudos], request.person)
    replies: Page = paginate(request, selectors.kudos_replies(kudos=kudos))
    return {"kudos": kudos, "replies": replies, "reply_form": reply_form}


@require_GET
@person_required
def detail(request: PersonRequest, pk: int) -> HttpResponse:
    kudos = selectors.get_kudos_for(request.person, pk)
    return render(request, "kudos/detail.html", _detail_context(request, kudos, ReplyForm()))


@require_POST
@person_required
def react(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    kudos = selectors.get_kudos_for(viewer, pk)
    try:
        services.kudos_react(kudos=kudos, person=viewer, kind=request.POST.get("kind", ""))
    except ValidationError as exc:
        if request.htmx:
            return HttpResponse(" ".join(exc.messages), status=422)
        messages.error(request, " ".join(exc.messages))
        return redirect("kudos:detail", pk=pk)
    if request.htmx:
        kudos = selectors.get_kudos_for(viewer, pk)
        _decorate([kudos], viewer)
        return render(request, "kudos/_reactions.html", {"kudos": kudos})
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)
    return redirect("kudos:detail", pk=pk)


@require_POST
@person_required
def reply(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    kudos = selectors.get_kudos_for(viewer, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            created = services.kudos_reply(
                kudos=kudos, author=viewer, message=form.cleaned_data["message"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Your reply is posted.")
            return redirect(reverse("kudos:detail", args=[kudos.pk]) + f"#reply-{created.pk}")
    context = _detail_context(request, kudos, form)
    return render(request, "kudos/detail.html", context, status=422)


# --- values and settings -------------------------------------------------------------------


def _values_context(
    request: PersonRequest,
    *,
    value_form: ValueForm | None = None,
    settings_form: SettingsForm | None = None,
) -> dict[str, Any]:
    viewer = request.person
    settings = services.settings_for(organization=viewer.organization)
    return {
        "values": paginate(
            request, selectors.kudos_values(viewer=viewer, include_retired=viewer.is_org_admin)
        ),
        "value_form": value_form or ValueForm(),
        "settings": settings,
        "settings_form": settings_form
        or SettingsForm(initial={"daily_limit": settings.daily_limit}),
    }


@require_http_methods(["GET", "POST"])
@person_required
def values(request: PersonRequest) -> HttpResponse:
    """Everyone sees the values; org admins add, rename, retire and restore them here."""
    viewer = request.person
    if request.method == "POST":
        if not viewer.is_org_admin:
            raise PermissionDenied("Only org admins can change the organisation's values.")
        form = ValueForm(request.POST)
        if form.is_valid():
            try:
                value = services.kudos_value_create(
                    actor=viewer, name=form.cleaned_data["name"], ip=client_ip(request)
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"“{value.name}” is one of your values now.")
                return redirect("kudos:values")
        return render(
            request, "kudos/values.html", _values_context(request, value_form=form), status=422
        )
    return render(request, "kudos/values.html", _values_context(request))


@require_POST
@org_admin_required
def value_rename(request: PersonRequest, pk: int) -> HttpResponse:
    value = selectors.get_value_for(request.person, pk)
    form = ValueForm(request.POST)
    problem = ""
    if form.is_valid():
        try:
            previous = value.name
            services.kudos_value_rename(
                actor=request.person,
                value=value,
                name=form.cleaned_data["name"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            messages.success(request, f"“{previous}” is now called “{value.name}”.")
            return redirect("kudos:values")
    else:
        problem = " ".join(str(e) for errors in form.errors.values() for e in errors)
    messages.error(request, f"Nothing was renamed: {problem}")
    return redirect("kudos:values")


def _set_retired(request: PersonRequest, pk: int, *, retired: bool) -> HttpResponse:
    value = selectors.get_value_for(request.person, pk)
    services.kudos_value_set_retired(
        actor=request.person, value=value, retired=retired, ip=client_ip(request)
    )
    if retired:
        messages.success(
            request, f"“{value.name}” is retired: new thanks can't use it; old ones keep it."
        )
    else:
        messages.success(request, f"“{value.name}” is back in the list.")
    return redirect("kudos:values")


@require_POST
@org_admin_required
def value_retire(request: PersonRequest, pk: int) -> HttpResponse:
    return _set_retired(request, pk, retired=True)


@require_POST
@org_admin_required
def value_restore(request: PersonRequest, pk: int) -> HttpResponse:
    return _set_retired(request, pk, retired=False)


@require_POST
@org_admin_required
def settings_update(request: PersonRequest) -> HttpResponse:
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.kudos_settings_update(
                actor=request.person,
                daily_limit=form.cleaned_data["daily_limit"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "The daily limit is saved.")
            return redirect("kudos:values")
    return render(
        request, "kudos/values.html", _values_context(request, settings_form=form), status=422
    )


# --- unsung teammates and review -----------------------------------------------------------


@require_GET
@person_required
def unsung(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    page = paginate(request, selectors.unsung_teammates(viewer=viewer))
    for person in page.object_list:
        person.reasons = selectors.unsung_reasons(person)
    has_team = selectors.viewer_teams(viewer=viewer).exists()
    return render(request, "kudos/unsung.html", {"page": page, "has_team": has_team})


@require_GET
@org_admin_required
def review(request: PersonRequest) -> HttpResponse:
    show_reviewed = request.GET.get("show") == "all"
    flags = selectors.trading_flags(viewer=request.person, include_reviewed=show_reviewed)
    page = paginate(request, flags)
    context = {
        "page": page,
        "show_reviewed": show_reviewed,
        "min_exchanges": trading.MIN_EXCHANGES,
        "within_hours": int(trading.EXCHANGE_WITHIN.total_seconds() // 3600),
        "window_days": trading.TRADING_WINDOW.days,
    }
    return render(request, "kudos/review.html", context)


@require_POST
@org_admin_required
def review_resolve(request: PersonRequest, pk: int) -> HttpResponse:
    flag = selectors.get_flag_for(request.person, pk)
    services.trading_flag_resolve(actor=request.person, flag=flag)
    messages.success(
        request,
        f"Marked as looked at. {flag.person_a.display_name} and {flag.person_b.display_name} "
        "come back here only if the pattern goes on.",
    )
    return redirect("kudos:review")
