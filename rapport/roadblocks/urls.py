from django.urls import path

from . import views

app_name = "roadblocks"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/opener/", views.opener, name="opener"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/outcome/", views.outcome, name="outcome"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
]
