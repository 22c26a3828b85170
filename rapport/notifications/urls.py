from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.mark_all_read, name="read_all"),
    path("inbox/<int:pk>/read/", views.mark_read, name="read"),
    path("inbox/<int:pk>/open/", views.open_notification, name="open"),
    path("settings/notifications/", views.preferences, name="preferences"),
    path("settings/notifications/test/", views.send_test, name="send_test"),
    path("unsubscribe/<str:token>/", views.unsubscribe_page, name="unsubscribe"),
]
