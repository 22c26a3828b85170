from django.urls import path

from . import roster_views, views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/erase/", views.person_erase, name="erase"),
    path("me/export/", views.my_data_export, name="export"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("admin/members/", views.admin_members, name="admin_members"),
    path("admin/members/<int:pk>/roles/", views.admin_member_roles, name="admin_member_roles"),
    path("admin/roster/", roster_views.roster_import, name="roster_import"),
]
