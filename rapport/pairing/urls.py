from django.urls import path

from . import views

app_name = "pairing"
urlpatterns = [
    path("", views.home, name="home"),
    path("programs/", views.programs, name="programs"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/run/", views.program_run, name="program_run"),
    path("programs/<int:pk>/pause/", views.program_pause, name="program_pause"),
    path("programs/<int:pk>/participation/", views.participation, name="participation"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/dont-pair/<int:pk>/remove/", views.dont_pair_remove, name="dont_pair_remove"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("groups/<int:pk>/answer/", views.group_answer, name="group_answer"),
    path("meeting-rate/", views.meeting_rates, name="meeting_rates"),
    path("buddies/", views.buddies, name="buddies"),
    path("buddies/assign/", views.buddies_assign, name="buddies_assign"),
    path("buddies/<int:pk>/reassign/", views.buddy_reassign, name="buddy_reassign"),
]
