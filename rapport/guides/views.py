"""The guides' pages: the list, one guide with its comments, and the admins' editor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.audit.services import client_ip
from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, org_admin_required, person_required

from . import selectors, services
from .access import get_guide_for, get_own_comment_for
from .forms import CommentForm, GuideForm
from .selectors import Guide

COMMENTS_PER_PAGE = 20


@require_GET
@person_required
def home(request: PersonRequest) -> HttpResponse:
    guides = selectors.guides_list(viewer=request.person)
    return render(request, "guides/home.html", {"guides": guides})


@require_GET
@person_required
def detail(request: PersonRequest, slug: str) -> HttpResponse:
    guide = get_guide_for(request.person, slug)
    return _detail_page(request, guide, CommentForm())


def _detail_page(
    request: PersonRequest, guide: Guide, form: CommentForm, status: int = 200
) -> HttpResponse:
    comments = paginate(
        request,
        selectors.guide_comments(viewer=request.person, slug=guide.slug),
        per_page=COMMENTS_PER_PAGE,
    )
    context = {"guide": guide, "comments": comments, "form": form}
    return render(request, "guides/detail.html", context, status=status)


def _saved(form: Form, service: object, **arguments: object) -> bool:
    try:
        service(**arguments, **form.cleaned_data)  # type: ignore[operator]
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@require_POST
@person_required
def comment_create(request: PersonRequest, slug: str) -> HttpResponse:
    guide = get_guide_for(request.person, slug)
    form = CommentForm(request.POST)
    if form.is_valid() and _saved(
        form, services.comment_create, author=request.person, slug=guide.slug
    ):
        messages.success(request, "Thanks, your comment is posted.")
        return redirect(reverse("guides:detail", args=[guide.slug]) + "#comments")
    return _detail_page(request, guide, form, status=422)


@require_http_methods(["GET", "POST"])
@person_required
def comment_edit(request: PersonRequest, pk: int) -> HttpResponse:
    comment = get_own_comment_for(request.person, pk)
    guide = get_guide_for(request.person, comment.guide_slug)
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid() and _saved(
            form, services.comment_update, comment=comment, editor=request.person
        ):
            messages.success(request, "Your comment is updated.")
            return redirect(reverse("guides:detail", args=[guide.slug]) + f"#comment-{pk}")
    else:
        form = CommentForm(initial={"body": comment.body})
    context = {"comment": comment, "guide": guide, "form": form}
    status = 422 if form.is_bound else 200
    return render(request, "guides/comment_edit.html", context, status=status)


@require_POST
@person_required
def comment_delete(request: PersonRequest, pk: int) -> HttpResponse:
    comment = get_own_comment_for(request.person, pk)
    services.comment_delete(comment=comment, actor=request.person)
    messages.success(request, "Your comment is deleted.")
    return redirect(reverse("guides:detail", args=[comment.guide_slug]) + "#comments")


@require_http_methods(["GET", "POST"])
@org_admin_required
def edit(request: PersonRequest, slug: str) -> HttpResponse:
    guide = get_guide_for(request.person, slug)
    if request.method == "POST":
        form = GuideForm(request.POST)
        if form.is_valid() and _saved(
            form,
            services.guide_update,
            actor=request.person,
            slug=guide.slug,
            ip=client_ip(request),
        ):
            messages.success(request, f"“{form.cleaned_data['title']}” now reads your way.")
            return redirect("guides:detail", slug=guide.slug)
    else:
        form = GuideForm(
            initial={"title": guide.title, "summary": guide.summary, "body": guide.body}
        )
    status = 422 if form.is_bound else 200
    return render(request, "guides/edit.html", {"guide": guide, "form": form}, status=status)


@require_POST
@org_admin_required
def reset(request: PersonRequest, slug: str) -> HttpResponse:
    guide = get_guide_for(request.person, slug)
    if services.guide_reset(actor=request.person, slug=guide.slug, ip=client_ip(request)):
        messages.success(request, f"“{guide.default.title}” is back to Rapport's own text.")
    else:
        messages.info(request, "This guide already has Rapport's own text.")
    return redirect("guides:detail", slug=guide.slug)
