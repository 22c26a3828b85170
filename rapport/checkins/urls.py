from django.urls import path

from . import views

app_name = "checkins"
urlpatterns = [
    path("", views.home, name="home"),
    path("history/", views.history, name="history"),
    path("<int:pk>/sharing/", views.set_visibility, name="set_visibility"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("reach-out/", views.reach_out, name="reach_out"),
    path("messages/", views.threads, name="threads"),
    path("messages/new/", views.check_on_new, name="check_on_new"),
    path("messages/<int:pk>/", views.thread, name="thread"),
]
