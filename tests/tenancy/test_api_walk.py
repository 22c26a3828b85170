"""Walk EVERY API operation as a person of another organisation, with the first
organisation's ids: operations that name an object answer 404; the others show nothing of
the first organisation. An operation missing from API_COVERAGE fails the walk."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rapport.api.api import operations

from ..api import bearer
from .test_walk import (  # noqa: F401
    CAPABILITY_APPS,
    SECRET_NAMES,
    World,
    _first_org_notification,
    _first_org_token,
    capability_module,
    world,
)

pytestmark = pytest.mark.django_db

# path parameter -> the first organisation's object that fills it
PARAMETERS: dict[str, Callable[[World], Any]] = {
    "person_id": lambda w: w.person.pk,
    "team_id": lambda w: w.team.pk,
    "token_id": _first_org_token,
    "notification_id": _first_org_notification,
}

# Each operation id, and a body to send (None: no body). New operations must be added.
API_COVERAGE: dict[str, Any] = {
    "me_read": None,
    "me_update": {"title": "Walked"},
    "me_export": None,
    "people_erase": None,
    "my_ties_list": None,
    "people_list": None,
    "people_read": None,
    "teams_list": None,
    "teams_read": None,
    "team_members_list": None,
    "roster_import": {"csv": "email,name\nzelda@first.example,Zelda Stolen\n", "dry_run": True},
    "tokens_list": None,
    "tokens_create": {"name": "walk"},
    "tokens_revoke": None,
    "audit_events_list": None,
    "notifications_list": None,
    "notifications_unread_count": None,
    "notifications_mark_all_read": None,
    "notification_mark_read": None,
    "notification_preferences_read": None,
    "notification_preferences_update": {"quiet_hours_start": "21:00", "quiet_hours_end": "07:00"},
}


# Operations the outsider is rightly refused: taking over the first organisation's person
# by importing their email is "already used by another account", without naming the org.
REFUSED = {"roster_import": 422}

# Each capability app adds its operations in `tests/<app>/tenancy.py`: API_OPERATIONS (as
# API_COVERAGE), API_PARAMETERS (as PARAMETERS) and API_REFUSED (as REFUSED).
for _app in CAPABILITY_APPS:
    _module = capability_module(_app)
    if _module is not None:
        API_COVERAGE.update(getattr(_module, "API_OPERATIONS", {}))
        PARAMETERS.update(getattr(_module, "API_PARAMETERS", {}))
        REFUSED.update(getattr(_module, "API_REFUSED", {}))


def test_every_api_operation_is_covered():
    missing = sorted({op.operation_id for op in operations()} - API_COVERAGE.keys())
    assert not missing, f"Add these operations to API_COVERAGE in {__file__}: {missing}"


def test_an_outsider_gets_404_or_nothing_for_every_api_operation(world, outsider):  # noqa: F811
    client = Client()
    headers = bearer(outsider)
    checked = 0
    for op in operations():
        params = re.findall(r"{(\w+)}", op.path)
        path = op.path
        for name in params:
            assert name in PARAMETERS, f"No first-organisation object for {{{name}}} in {op.path}"
            path = path.replace("{" + name + "}", str(PARAMETERS[name](world)))
        body = API_COVERAGE[op.operation_id]
        response = client.generic(
            op.method,
            path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=headers,
        )
        text = response.content.decode(errors="replace")
        if params:
            assert response.status_code == 404, f"{op.method} {path} -> {response.status_code}"
            assert response.json()["code"] == "not_found"
        elif op.operation_id in REFUSED:
            assert response.status_code == REFUSED[op.operation_id], text
        else:
            assert response.status_code < 400, (
                f"{op.method} {path} -> {response.status_code}: {text}"
            )
        sent = json.dumps(body)
        for secret in SECRET_NAMES:
            if secret in sent:
                continue  # echoing what the outsider sent reveals nothing new
            assert secret not in text, f"{op.method} {path} shows {secret!r}"
        checked += 1
    assert checked == len(API_COVERAGE)
