from django.urls import path

from . import views

app_name = "guides"
urlpatterns = [
    path("", views.home, name="home"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/reset/", views.reset, name="reset"),
]
