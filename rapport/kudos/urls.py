from django.urls import path

from . import views

app_name = "kudos"
urlpatterns = [
    path("", views.home, name="home"),
    path("team/", views.team_feed, name="team"),
    path("mine/", views.mine, name="mine"),
    path("give/", views.give, name="give"),
    path("unsung/", views.unsung, name="unsung"),
    path("values/", views.values, name="values"),
    path("values/settings/", views.settings_update, name="settings"),
    path("values/<int:pk>/rename/", views.value_rename, name="value_rename"),
    path("values/<int:pk>/retire/", views.value_retire, name="value_retire"),
    path("values/<int:pk>/restore/", views.value_restore, name="value_restore"),
    path("review/", views.review, name="review"),
    path("review/<int:pk>/resolve/", views.review_resolve, name="review_resolve"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/react/", views.react, name="react"),
    path("<int:pk>/reply/", views.reply, name="reply"),
]
