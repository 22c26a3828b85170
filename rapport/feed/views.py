"""The feed's pages: the home feed, a team's feed, one post with its replies, and the
forms to write, edit and delete posts and replies and to react."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, get_person_for, person_required
from rapport.people.models import Team

from . import selectors, services
from .access import (
    get_feed_team_for,
    get_own_post_for,
    get_own_reply_for,
    get_post_for,
)
from .forms import EVERYONE, PostEditForm, PostForm, ReactionForm, ReplyForm
from .models import Post

REPLIES_PER_PAGE = 30
KIND_FILTERS = [("", "Everything"), (Post.Kind.WIN, "Wins"), (Post.Kind.CHALLENGE, "Challenges")]


def _filters(request: PersonRequest) -> dict[str, Any]:
    """The feed's filters from the query string; anything unreadable is simply ignored."""
    kind = request.GET.get("kind", "")
    author = None
    person = request.GET.get("person", "")
    if person.isdigit() and len(person) < 19:
        author = get_person_for(request.person, int(person))
    before = None
    try:
        before = (
            selectors.Cursor.parse(request.GET["before"]) if request.GET.get("before") else None
        )
    except selectors.BadCursor:
        before = None
    return {"kind": kind if kind in Post.Kind.values else "", "author": author, "before": before}


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _feed(
    request: PersonRequest, *, team: Team | None, form: PostForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = request.person
    filters = _filters(request)
    page = selectors.feed_page(
        viewer=viewer,
        team=team,
        kind=filters["kind"] or None,
        author=filters["author"],
        before=filters["before"],
    )
    teams = list(selectors.my_teams(viewer=viewer))
    if form is None:
        initial = {"share_with": str(team.pk) if team else EVERYONE}
        form = PostForm(viewer=viewer, teams=teams, initial=initial)
    author = filters["author"]
    person_id = author.pk if author else None
    context = {
        "team": team,
        "teams": teams,
        "form": form,
        "page": page,
        "kind": filters["kind"],
        "author": author,
        "is_first_page": filters["before"] is None,
        "kind_links": [
            (label, _query(kind=value, person=person_id), value == filters["kind"])
            for value, label in KIND_FILTERS
        ],
        "everyone_query": _query(kind=filters["kind"]),
        "first_query": _query(kind=filters["kind"], person=person_id),
        "next_query": _query(kind=filters["kind"], person=person_id, before=page.next_cursor)
        if page.next_cursor
        else "",
        "here": request.get_full_path(),
    }
    template = "feed/_feed.html" if request.htmx and request.method == "GET" else "feed/home.html"
    return render(request, template, context, status=status)


@require_GET
@person_required
def home(request: PersonRequest) -> HttpResponse:
    return _feed(request, team=None)


@require_GET
@person_required
def team(request: PersonRequest, pk: int) -> HttpResponse:
    return _feed(request, team=get_feed_team_for(request.person, pk))


@require_POST
@person_required
def create(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    teams = list(selectors.my_teams(viewer=viewer))
    form = PostForm(request.POST, viewer=viewer, teams=teams)
    back_to_team = _team_from(request, teams)
    if form.is_valid() and _saved(form, services.post_create, author=viewer):
        messages.success(request, "Shared. Thank you for letting people in.")
        if back_to_team is not None:
            return redirect("feed:team", pk=back_to_team.pk)
        return redirect("feed:home")
    return _feed(request, team=back_to_team, form=form, status=422)


def _team_from(request: PersonRequest, teams: list[Team]) -> Team | None:
    wanted = request.POST.get("from_team", "")
    return next((t for t in teams if str(t.pk) == wanted), None)


def _saved(form: Form, service: Any, **arguments: Any) -> bool:
    """Call the service with the form's data; put its ValidationError on the form."""
    data = form.service_arguments() if hasattr(form, "service_arguments") else form.cleaned_data
    try:
        service(**arguments, **data)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@require_GET
@person_required
def post_detail(request: PersonRequest, pk: int) -> HttpResponse:
    return _post_page(request, get_post_for(request.person, pk), ReplyForm())


def _post_page(
    request: PersonRequest, post: Post, reply_form: ReplyForm, status: int = 200
) -> HttpResponse:
    viewer = request.person
    selectors.post_decorated(post=post, viewer=viewer)
    replies = paginate(request, selectors.post_replies(post=post), per_page=REPLIES_PER_PAGE)
    selectors.replies_decorate(list(replies.object_list))
    context = {"post": post, "replies": replies, "reply_form": reply_form, "here": request.path}
    return render(request, "feed/post.html", context, status=status)


@require_POST
@person_required
def reply_create(request: PersonRequest, pk: int) -> HttpResponse:
    post = get_post_for(request.person, pk)
    form = ReplyForm(request.POST)
    if form.is_valid() and _saved(form, services.reply_create, author=request.person, post=post):
        messages.success(request, "Your reply is posted.")
        return redirect("feed:post", pk=post.pk)
    return _post_page(request, post, form, status=422)


@require_http_methods(["GET", "POST"])
@person_required
def post_edit(request: PersonRequest, pk: int) -> HttpResponse:
    post = get_own_post_for(request.person, pk)
    if request.method == "POST":
        form = PostEditForm(request.POST)
        if form.is_valid() and _saved(form, services.post_update, post=post, editor=request.person):
            messages.success(request, "Your post is updated.")
            return redirect("feed:post", pk=post.pk)
    else:
        form = PostEditForm(initial={"kind": post.kind, "body": post.body})
    status = 422 if form.is_bound else 200
    return render(request, "feed/post_edit.html", {"post": post, "form": form}, status=status)


@require_POST
@person_required
def post_delete(request: PersonRequest, pk: int) -> HttpResponse:
    post = get_own_post_for(request.person, pk)
    services.post_delete(post=post, actor=request.person)
    messages.success(request, "Your post is deleted, with its replies and reactions.")
    return redirect("feed:home")


@require_http_methods(["GET", "POST"])
@person_required
def reply_edit(request: PersonRequest, pk: int) -> HttpResponse:
    reply = get_own_reply_for(request.person, pk)
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid() and _saved(
            form, services.reply_update, reply=reply, editor=request.person
        ):
            messages.success(request, "Your reply is updated.")
            return redirect(reverse("feed:post", args=[reply.post_id]) + f"#reply-{reply.pk}")
    else:
        form = ReplyForm(initial={"body": reply.body})
    status = 422 if form.is_bound else 200
    return render(request, "feed/reply_edit.html", {"reply": reply, "form": form}, status=status)


@require_POST
@person_required
def reply_delete(request: PersonRequest, pk: int) -> HttpResponse:
    reply = get_own_reply_for(request.person, pk)
    services.reply_delete(reply=reply, actor=request.person)
    messages.success(request, "Your reply is deleted.")
    return redirect("feed:post", pk=reply.post_id)


@require_POST
@person_required
def react(request: PersonRequest, pk: int) -> HttpResponse:
    post = get_post_for(request.person, pk)
    form = ReactionForm(request.POST)
    if form.is_valid():
        services.reaction_toggle(person=request.person, post=post, kind=form.cleaned_data["kind"])
    elif not request.htmx:
        messages.error(request, "Choose one of the reactions offered.")
    back = request.POST.get("next", "").split("#")[0]
    if not back or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("feed:post", args=[post.pk])
    if request.htmx:
        selectors.post_decorated(post=post, viewer=request.person)
        status = 200 if form.is_valid() else 422
        return render(request, "feed/_reactions.html", {"post": post, "here": back}, status=status)
    return redirect(f"{back}#post-{post.pk}")
