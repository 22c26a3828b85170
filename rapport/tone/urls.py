from django.urls import path

from . import views

app_name = "tone"
urlpatterns = [
    path("check/", views.check_draft, name="check"),
]
