from django.urls import path

from . import token_views, views

app_name = "accounts"
urlpatterns = [
    path("invite/", views.invite, name="invite"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("invitations/<int:pk>/resend/", views.invitation_resend_view, name="invitation_resend"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
