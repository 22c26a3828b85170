"""Care's pages: the member's side (find, book, move, cancel), the therapist's side
(schedule, intake, notes, availability), the practice admin's side and the public page.

Every object comes through an access helper (`rapport.care.access`), which answers 404 for
anything that isn't the viewer's: a team lead or org admin opening a colleague's booking
gets exactly what a stranger gets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.audit.services import client_ip
from rapport.lib.pagination import paginate
from rapport.people.access import PersonRequest

from . import access, selectors, services
from .forms import (
    BookingForm,
    DirectoryFilterForm,
    ExceptionForm,
    IntroRequestForm,
    NoteForm,
    OutcomeForm,
    ProfileForm,
    RescheduleForm,
    SettingsForm,
    WeeklyHoursForm,
    parse_start,
    parse_week,
)
from .invites import booking_calendar, client_link
from .models import Booking, DateException, Practice, SessionType, Therapist, WeeklyHours
from .slots import Slot

DIRECTORY_PAGE_SIZE = 10


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the member's side ---------------------------------------------------------------------


@require_GET
@access.member_required
def home(request: PersonRequest) -> HttpResponse:
    viewer = request.person
    form = DirectoryFilterForm(request.GET or None)
    allowance = selectors.allowance_for(person=viewer)
    entries = []
    if allowance.offered:
        entries = selectors.directory(
            viewer=viewer,
            specialty=form.value("specialty"),
            language=form.value("language"),
            sort=form.value("sort") or "soonest",
        )
    page = Paginator(entries, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    upcoming = list(selectors.bookings_for(viewer=viewer, upcoming=True)[:5])
    context = {
        "form": form,
        "allowance": allowance,
        "page": page,
        "upcoming": upcoming,
        "filters": request.GET.urlencode(),
    }
    template = "care/_directory.html" if request.htmx else "care/home.html"
    return render(request, template, context)


def _invite_hint(booking: Booking) -> str:
    if services.client_wants_email(booking):
        return "The calendar invite is on its way to your inbox."
    return "You can add it to your calendar from this page."


@dataclass
class Day:
    day: date
    slots: list[dict[str, Any]]


def _week(
    request: HttpRequest,
    *,
    therapist: Therapist,
    session_type: SessionType,
    tz: ZoneInfo,
    exclude_pk: int | None = None,
) -> dict[str, Any]:
    today = timezone.now().astimezone(tz).date()
    week = parse_week(request.GET.get("week"), today)
    start = datetime.combine(week, time.min, tzinfo=tz)
    until = datetime.combine(week + timedelta(days=7), time.min, tzinfo=tz)
    found: list[Slot] = selectors.slots_for(
        therapist=therapist,
        session_type=session_type,
        start=start,
        until=until,
        exclude_pk=exclude_pk,
    )
    days = {week + timedelta(days=i): Day(week + timedelta(days=i), []) for i in range(7)}
    for slot in found:
        local = slot.start.astimezone(tz)
        if local.date() in days:
            days[local.date()].slots.append(
                {"start": slot.start, "local": local, "iso": slot.start.isoformat()}
            )
    previous = week - timedelta(days=7)
    return {
        "days": list(days.values()),
        "week": week,
        "week_end": week + timedelta(days=6),
        "previous_week": previous if previous >= today else (today if week > today else None),
        "next_week": week + timedelta(days=7),
        "any_slot": bool(found),
        "viewer_tz": str(tz),
    }


def _session_type_from(request: HttpRequest, therapist: Therapist) -> SessionType:
    types = [t for t in therapist.session_types.all() if t.is_active]
    if not types:
        raise Http404("No sessions")
    wanted = request.GET.get("type") or request.POST.get("session_type")
    for session_type in types:
        if str(session_type.pk) == str(wanted):
            return session_type
    default = selectors.default_session_type(therapist)
    assert default is not None
    return default


@require_GET
@access.member_required
def therapist_detail(request: PersonRequest, pk: int) -> HttpResponse:
    therapist = access.get_therapist_for(request.person, pk)
    session_type = _session_type_from(request, therapist)
    context = {
        "therapist": therapist,
        "session_type": session_type,
        "session_types": [t for t in therapist.session_types.all() if t.is_active],
        "allowance": selectors.allowance_for(person=request.person),
        "mode": "book",
        **_week(request, therapist=therapist, session_type=session_type, tz=request.person.tz),
    }
    template = "care/_week.html" if request.htmx else "care/therapist_detail.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@access.member_required
def book(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    therapist = access.get_therapist_for(viewer, pk)
    session_type = _session_type_from(request, therapist)
    status = 200
    if request.method == "POST":
        form = BookingForm(request.POST)
        if form.is_valid():
            try:
                booking = services.booking_create(
                    client=viewer,
                    therapist=therapist,
                    session_type=session_type,
                    starts_at=form.cleaned_data["start"],
                    intake_reason=form.cleaned_data["intake_reason"],
                    intake_contact=form.cleaned_data["intake_contact"],
                )
            except services.SlotTaken as error:
                form.add_error(None, _errors(error))
                status = 409
            except ValidationError as error:
                form.add_error(None, _errors(error))
                status = 422
            else:
                messages.success(request, f"You're booked. {_invite_hint(booking)}")
                return redirect("care:booking", pk=booking.pk)
        else:
            status = 422
        start = parse_start(request.POST.get("start"))
    else:
        start = parse_start(request.GET.get("start"))
        if start is None:
            return redirect("care:therapist", pk=therapist.pk)
        form = BookingForm(initial={"session_type": session_type.pk, "start": start.isoformat()})
    context = {
        "therapist": therapist,
        "session_type": session_type,
        "form": form,
        "start": start,
        "allowance": selectors.allowance_for(person=viewer),
    }
    return render(request, "care/book.html", context, status=status)


@require_GET
@access.member_required
def bookings(request: PersonRequest) -> HttpResponse:
    page = paginate(request, selectors.bookings_for(viewer=request.person))
    return render(request, "care/bookings.html", {"page": page})


@require_GET
@access.member_required
def booking_detail(request: PersonRequest, pk: int) -> HttpResponse:
    booking = access.get_booking_for(request.person, pk)
    context = {
        "booking": booking,
        "can_change": booking.status == Booking.Status.CONFIRMED
        and booking.starts_at - timezone.now() >= services.change_cutoff(),
        "cutoff_hours": int(services.change_cutoff().total_seconds() // 3600),
    }
    return render(request, "care/booking_detail.html", context)


@require_http_methods(["GET", "POST"])
@access.member_required
def booking_reschedule(request: PersonRequest, pk: int) -> HttpResponse:
    viewer = request.person
    booking = access.get_booking_for(viewer, pk)
    status = 200
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            try:
                booking = services.booking_reschedule(
                    booking=booking, starts_at=form.cleaned_data["start"]
                )
            except services.SlotTaken as error:
                messages.error(request, _errors(error))
                status = 409
            except ValidationError as error:
                messages.error(request, _errors(error))
                status = 422
            else:
                messages.success(request, f"Moved. {_invite_hint(booking)}")
                return redirect("care:booking", pk=booking.pk)
        else:
            messages.error(request, "Choose a new time from the calendar.")
            status = 422
    context = {
        "booking": booking,
        "therapist": booking.therapist,
        "session_type": booking.session_type,
        "mode": "reschedule",
        **_week(
            request,
            therapist=booking.therapist,
            session_type=booking.session_type,
            tz=viewer.tz,
            exclude_pk=booking.pk,
        ),
    }
    template = "care/_week.html" if request.htmx else "care/reschedule.html"
    return render(request, template, context, status=status)


@require_POST
@access.member_required
def booking_cancel(request: PersonRequest, pk: int) -> HttpResponse:
    booking = access.get_booking_for(request.person, pk)
    try:
        services.booking_cancel(booking=booking)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, "Cancelled. The time is free again for someone else.")
    return redirect("care:booking", pk=booking.pk)


@require_GET
@access.member_required
def booking_ics(request: PersonRequest, pk: int) -> HttpResponse:
    booking = access.get_booking_for(request.person, pk)
    ics = booking_calendar(booking, recipient=request.person.email, link=client_link(booking))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@require_GET
@access.member_required
def export(request: PersonRequest) -> HttpResponse:
    from .data_rights import care_export

    response = HttpResponse(
        json.dumps(care_export(request.person), indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-care-data.json"'
    return response


@require_POST
@access.member_required
def erase(request: PersonRequest) -> HttpResponse:
    try:
        services.care_history_erase(person=request.person)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, "Your care history is deleted.")
    return redirect("care:bookings")


@require_GET
@access.member_required
def usage(request: PersonRequest) -> HttpResponse:
    """For org admins: sessions per month, through the privacy gate. Never who."""
    if not request.person.is_org_admin:
        raise Http404("Not here")
    months = selectors.usage_by_month(viewer=request.person)
    return render(request, "care/usage.html", {"months": months})


# --- the therapist's side ------------------------------------------------------------------


@require_GET
@access.therapist_required
def schedule(request: access.TherapistRequest) -> HttpResponse:
    past = request.GET.get("show") == "past"
    sessions = selectors.sessions_for(therapist=request.therapist, upcoming=not past)
    page = paginate(request, sessions)
    return render(
        request,
        "care/schedule.html",
        {"page": page, "past": past, "therapist": request.therapist},
    )


@require_GET
@access.therapist_required
def session_detail(request: access.TherapistRequest, pk: int) -> HttpResponse:
    booking = access.get_session_for(request.therapist, pk)
    note = services.note_for(therapist=request.therapist, booking=booking)
    context = {
        "booking": booking,
        "note_form": NoteForm(initial={"text": note.text if note else ""}),
        "note": note,
        "started": booking.starts_at <= timezone.now(),
    }
    return render(request, "care/session_detail.html", context)


@require_POST
@access.therapist_required
def session_note(request: access.TherapistRequest, pk: int) -> HttpResponse:
    booking = access.get_session_for(request.therapist, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.session_note_save(
                therapist=request.therapist, booking=booking, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, "Notes saved.")
    else:
        messages.error(request, "Notes can be at most 20,000 characters.")
    return redirect("care:session", pk=booking.pk)


@require_POST
@access.therapist_required
def session_outcome(request: access.TherapistRequest, pk: int) -> HttpResponse:
    booking = access.get_session_for(request.therapist, pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose attended or missed.")
        return redirect("care:session", pk=booking.pk)
    try:
        services.session_outcome_set(
            therapist=request.therapist, booking=booking, outcome=form.cleaned_data["outcome"]
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, "Recorded.")
    return redirect("care:session", pk=booking.pk)


@require_POST
@access.therapist_required
def session_cancel(request: access.TherapistRequest, pk: int) -> HttpResponse:
    booking = access.get_session_for(request.therapist, pk)
    try:
        services.session_cancel(therapist=request.therapist, booking=booking)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, "Cancelled. Your client has been told.")
    return redirect("care:session", pk=booking.pk)


def _availability_context(therapist: Therapist, **forms: Any) -> dict[str, Any]:
    today = timezone.now().astimezone(therapist.tz).date()
    return {
        "therapist": therapist,
        "hours": WeeklyHours.objects.filter(therapist=therapist),
        "exceptions": DateException.objects.filter(therapist=therapist, day__gte=today),
        "settings_form": forms.get("settings_form") or SettingsForm(instance=therapist),
        "hours_form": forms.get("hours_form") or WeeklyHoursForm(),
        "exception_form": forms.get("exception_form") or ExceptionForm(),
    }


@require_http_methods(["GET", "POST"])
@access.care_staff_required
def availability(request: HttpRequest, pk: int) -> HttpResponse:
    therapist = access.get_managed_therapist(request.user, pk)
    status = 200
    settings_form = None
    if request.method == "POST":
        settings_form = SettingsForm(request.POST, instance=Therapist.objects.get(pk=therapist.pk))
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            try:
                services.therapist_settings_update(
                    therapist=therapist,
                    values=services.TherapistSettings(
                        **{name: data[name] for name in SettingsForm.Meta.fields}
                    ),
                )
            except ValidationError as error:
                messages.error(request, _errors(error))
                status = 422
            else:
                messages.success(request, "Booking rules saved.")
                return redirect("care:availability", pk=therapist.pk)
        else:
            status = 422
    return render(
        request,
        "care/availability.html",
        _availability_context(therapist, settings_form=settings_form),
        status=status,
    )


@require_POST
@access.care_staff_required
def hours_add(request: HttpRequest, pk: int) -> HttpResponse:
    therapist = access.get_managed_therapist(request.user, pk)
    form = WeeklyHoursForm(request.POST)
    if form.is_valid():
        try:
            services.weekly_hours_add(therapist=therapist, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, "Hours added.")
            return redirect("care:availability", pk=therapist.pk)
    return render(
        request,
        "care/availability.html",
        _availability_context(therapist, hours_form=form),
        status=422,
    )


@require_POST
@access.care_staff_required
def hours_delete(request: HttpRequest, pk: int, hours_pk: int) -> HttpResponse:
    therapist = access.get_managed_therapist(request.user, pk)
    if not services.weekly_hours_delete(therapist=therapist, pk=hours_pk):
        raise Http404("No such hours")
    messages.success(request, "Hours removed. Existing bookings stay as they are.")
    return redirect("care:availability", pk=therapist.pk)


@require_POST
@access.care_staff_required
def exception_add(request: HttpRequest, pk: int) -> HttpResponse:
    therapist = access.get_managed_therapist(request.user, pk)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        try:
            services.exception_add(therapist=therapist, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, "Saved.")
            return redirect("care:availability", pk=therapist.pk)
    return render(
        request,
        "care/availability.html",
        _availability_context(therapist, exception_form=form),
        status=422,
    )


@require_POST
@access.care_staff_required
def exception_delete(request: HttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    therapist = access.get_managed_therapist(request.user, pk)
    services.exception_delete(exception=access.get_exception_for(therapist, exception_pk))
    messages.success(request, "Removed.")
    return redirect("care:availability", pk=therapist.pk)


@require_http_methods(["GET", "POST"])
@access.care_staff_required
def therapist_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """What members see of a therapist, and whether they take bookings: the therapist
    themselves or an admin of their practice."""
    therapist = access.get_managed_therapist(request.user, pk)
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.therapist_profile_update(
                    therapist=therapist, profile=services.TherapistProfile(**form.cleaned_data)
                )
            except ValidationError as error:
                form.add_error(None, _errors(error))
                status = 422
            else:
                messages.success(request, "Profile saved.")
                return redirect("care:therapist_profile", pk=therapist.pk)
        else:
            status = 422
    else:
        form = ProfileForm.for_therapist(therapist)
    return render(
        request,
        "care/therapist_profile.html",
        {"therapist": therapist, "form": form},
        status=status,
    )


# --- the practice admin's side -------------------------------------------------------------


@require_GET
@access.practice_admin_required
def practice_admin(request: access.PracticeAdminRequest) -> HttpResponse:
    page = paginate(request, selectors.practice_therapists(practices=request.practices))
    return render(
        request, "care/practice_admin.html", {"page": page, "practices": request.practices}
    )


@require_GET
@access.practice_admin_required
def practice_schedule(request: access.PracticeAdminRequest, pk: int) -> HttpResponse:
    therapist = access.get_admin_therapist(request.user, pk)
    page = paginate(request, selectors.sessions_for(therapist=therapist, upcoming=True))
    return render(request, "care/practice_schedule.html", {"page": page, "therapist": therapist})


def _staff_practices(request: HttpRequest) -> Any:
    practices = access.administered_practices(request.user)
    therapist = access.therapist_for_user(request.user)
    if therapist is not None:
        practices = practices | Practice.objects.filter(pk=therapist.practice_id)
    return Practice.objects.filter(pk__in=practices.values("pk"))


@require_GET
@access.care_staff_required
def intro_requests(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.intro_requests_for(practices=_staff_practices(request)))
    return render(request, "care/intro_requests.html", {"page": page})


@require_POST
@access.care_staff_required
def intro_request_handle(request: HttpRequest, pk: int) -> HttpResponse:
    intro = get_object_or_404(
        selectors.intro_requests_for(practices=_staff_practices(request)), pk=pk
    )
    services.intro_request_handle(request=intro)
    messages.success(request, "Marked as handled.")
    return redirect("care:intro_requests")


# --- the public page -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def practice_public(request: HttpRequest, slug: str) -> HttpResponse:
    practice = get_object_or_404(Practice, slug=slug)
    therapists = Therapist.objects.filter(practice=practice, is_active=True).order_by(
        "display_name"
    )[:50]
    status = 200
    if request.method == "POST":
        form = IntroRequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.intro_request_submit(
                    practice=practice,
                    name=data["name"],
                    email=data["email"],
                    form_token=data["started"],
                    honeypot=data["website"],
                    ip=client_ip(request),
                )
            except services.Throttled as error:
                form.add_error(None, _errors(error))
                status = 429
            except ValidationError as error:
                form.add_error(None, _errors(error))
                status = 422
            else:
                return render(request, "care/public_sent.html", {"practice": practice})
        else:
            status = 422
        # A fresh start time, so that a corrected form isn't refused as "too quick".
        refreshed = request.POST.copy()
        refreshed["started"] = services.intro_form_token()
        form.data = refreshed
    else:
        form = IntroRequestForm(initial={"started": services.intro_form_token()})
    return render(
        request,
        "care/public.html",
        {"practice": practice, "therapists": therapists, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def intro_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    practice = get_object_or_404(Practice, slug=slug)
    if request.method == "GET":
        return render(request, "care/public_confirm.html", {"practice": practice})
    try:
        services.intro_request_confirm(practice=practice, token=token)
    except ValidationError as error:
        return render(
            request,
            "care/public_confirm.html",
            {"practice": practice, "error": _errors(error)},
            status=404,
        )
    return render(request, "care/public_confirm.html", {"practice": practice, "confirmed": True})


def therapist_home_url(user: Any) -> str | None:
    """Where a signed-in therapist or practice admin starts (for the integrator's redirect)."""
    if access.therapist_for_user(user) is not None:
        return reverse("care:schedule")
    if access.administered_practices(user).exists():
        return reverse("care:practice_admin")
    return None
