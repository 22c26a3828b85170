"""The roster import page for org admins (the parsing and writing live in people.roster)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import org_admin_required


@org_admin_required
def roster_import(request: HttpRequest) -> HttpResponse:
    return render(request, "people/roster_import.html", {})
