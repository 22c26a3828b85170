"""The tone coach's route and API operation for the tenancy walks (no objects: the coach
reads the draft it is sent and stores nothing)."""

from __future__ import annotations

from typing import Any

ROUTES: dict[str, Any] = {"tone:check": ("page", None)}

API_OPERATIONS: dict[str, Any] = {"tone_check": {"text": "You never answer my emails."}}
