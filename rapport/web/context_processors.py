"""What every page's shell needs: the navigation and who is signed in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .capabilities import CAPABILITIES


def shell(request: HttpRequest) -> dict[str, Any]:
    return {"capabilities": CAPABILITIES, "person": getattr(request, "person", None)}
