from django.urls import path

from . import views

app_name = "commitments"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("ask/", views.ask, name="ask"),
    path("record/", views.record, name="record"),
    path("settings/", views.settings_page, name="settings"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("people/", views.shared, name="shared"),
    path("people/<int:pk>/record/", views.person_record, name="person_record"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/renegotiate/", views.renegotiate, name="renegotiate"),
    path("<int:pk>/deliver/", views.deliver, name="deliver"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/object/", views.object_, name="object"),
    path("<int:pk>/release/", views.release, name="release"),
]
