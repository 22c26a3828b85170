from django.urls import path

from . import views

app_name = "helpboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("capacity/", views.capacity, name="capacity"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/offer/", views.offer_create, name="offer_create"),
    path("requests/<int:pk>/done/", views.request_done, name="request_done"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
]
