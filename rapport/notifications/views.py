"""The inbox, notification settings and the unsubscribe page."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest, person_required
from rapport.people.models import Person

from . import selectors, services
from .emails import ALL_TYPES, read_unsubscribe_token
from .forms import PreferencesForm
from .types import NotificationType


def _inbox_context(request: PersonRequest) -> dict[str, object]:
    unread_only = request.GET.get("show") == "unread"
    person = request.person
    page = paginate(request, selectors.inbox_for(person=person, unread_only=unread_only))
    return {"page": page, "unread_only": unread_only}


@require_GET
@person_required
def inbox(request: PersonRequest) -> HttpResponse:
    context = _inbox_context(request)
    template = "notifications/_inbox_list.html" if request.htmx else "notifications/inbox.html"
    return render(request, template, context)


@require_POST
@person_required
def mark_read(request: PersonRequest, pk: int) -> HttpResponse:
    notification = selectors.get_notification_for(request.person, pk)
    services.notification_mark_read(notification=notification)
    if request.htmx:
        return render(
            request, "notifications/_notification_read.html", {"notification": notification}
        )
    return redirect("notifications:inbox")


@require_POST
@person_required
def mark_all_read(request: PersonRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(person=request.person)
    if request.htmx:
        context = _inbox_context(request)
        return render(request, "notifications/_inbox_list_read.html", context)
    if marked:
        messages.success(request, "Everything in your inbox is marked as read.")
    return redirect("notifications:inbox")


@require_GET
@person_required
def open_notification(request: PersonRequest, pk: int) -> HttpResponse:
    """Follow a notification's link (from the inbox or an email), marking it read."""
    notification = selectors.get_notification_for(request.person, pk)
    services.notification_mark_read(notification=notification)
    target = notification.url
    internal = target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if internal else "notifications:inbox")


@require_http_methods(["GET", "POST"])
@person_required
def preferences(request: PersonRequest) -> HttpResponse:
    person: Person = request.person
    current = services.preferences_for(person=person)
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm.for_person(person, current, data)
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_update(person=person, **form.service_arguments())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@require_POST
@person_required
def send_test(request: PersonRequest) -> HttpResponse:
    sent = services.send_test_notification(person=request.person)
    if sent is None:
        messages.warning(request, "News about Rapport is turned off, so nothing was sent.")
    else:
        messages.success(
            request,
            "A test notification is in your inbox, and on its way by email if you chose that.",
        )
    return redirect("notifications:preferences")


@csrf_exempt  # the signed token is the credential; mail clients POST here (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation, so link scanners that fetch every URL in an email change
    nothing; POST (the button, or a mail client's one-click unsubscribe) applies it."""
    try:
        person_id, type_ = read_unsubscribe_token(token)
        person = Person.objects.get(pk=person_id)
    except (signing.BadSignature, Person.DoesNotExist):
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    everything = type_ == ALL_TYPES
    context = {
        "everything": everything,
        "type_label": "" if everything else NotificationType(type_).label,
        "token": token,
        "done": False,
    }
    if request.method == "POST":
        services.unsubscribe(person=person, type_=type_)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
