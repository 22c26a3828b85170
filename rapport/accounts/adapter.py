"""How django-allauth fits Rapport: nobody signs themselves up; people arrive through a
roster import or an invitation, then sign in with a password or a one-time code."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
