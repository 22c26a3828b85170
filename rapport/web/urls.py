from django.urls import path

from . import views

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("soon/<slug:slug>/", views.coming_soon, name="coming_soon"),
]
