"""Personal access tokens for the API: create (shown once), list, revoke."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.people.access import person_required


@person_required
def tokens(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/tokens.html", {})


@person_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "accounts/tokens.html", {})
