from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    # The member's side.
    path("", views.home, name="home"),
    path("therapists/<int:pk>/", views.therapist_detail, name="therapist"),
    path("therapists/<int:pk>/book/", views.book, name="book"),
    path("appointments/", views.bookings, name="bookings"),
    path("appointments/export/", views.export, name="export"),
    path("appointments/erase/", views.erase, name="erase"),
    path("appointments/<int:pk>/", views.booking_detail, name="booking"),
    path("appointments/<int:pk>/move/", views.booking_reschedule, name="booking_reschedule"),
    path("appointments/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("appointments/<int:pk>/invite.ics", views.booking_ics, name="booking_ics"),
    path("usage/", views.usage, name="usage"),
    # The therapist's side.
    path("practice/", views.schedule, name="schedule"),
    path("practice/sessions/<int:pk>/", views.session_detail, name="session"),
    path("practice/sessions/<int:pk>/notes/", views.session_note, name="session_note"),
    path("practice/sessions/<int:pk>/outcome/", views.session_outcome, name="session_outcome"),
    path("practice/sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("practice/therapists/<int:pk>/availability/", views.availability, name="availability"),
    path(
        "practice/therapists/<int:pk>/profile/", views.therapist_profile, name="therapist_profile"
    ),
    path("practice/therapists/<int:pk>/hours/", views.hours_add, name="hours_add"),
    path(
        "practice/therapists/<int:pk>/hours/<int:hours_pk>/delete/",
        views.hours_delete,
        name="hours_delete",
    ),
    path("practice/therapists/<int:pk>/exceptions/", views.exception_add, name="exception_add"),
    path(
        "practice/therapists/<int:pk>/exceptions/<int:exception_pk>/delete/",
        views.exception_delete,
        name="exception_delete",
    ),
    # The practice admin's side.
    path("practice/admin/", views.practice_admin, name="practice_admin"),
    path(
        "practice/admin/therapists/<int:pk>/schedule/",
        views.practice_schedule,
        name="practice_schedule",
    ),
    path("practice/requests/", views.intro_requests, name="intro_requests"),
    path(
        "practice/requests/<int:pk>/handled/",
        views.intro_request_handle,
        name="intro_request_handle",
    ),
    # Public: no sign-in.
    path("p/<slug:slug>/", views.practice_public, name="practice_public"),
    path("p/<slug:slug>/confirm/<str:token>/", views.intro_confirm, name="intro_confirm"),
]
