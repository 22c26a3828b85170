"""The tenancy walk over pairing's own routes and operations only, so this app's isolation
is checked even while other apps' entries are being written (tests/tenancy walks all)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.api import bearer
from tests.conftest import client_for
from tests.tenancy.test_walk import SECRET_NAMES, world  # noqa: F401

from .tenancy import API_OPERATIONS, API_PARAMETERS, API_REFUSED, ROUTES

pytestmark = pytest.mark.django_db


def test_an_outsider_gets_404_or_nothing_for_every_pairing_route(world, outsider):  # noqa: F811
    client = client_for(outsider)
    for name, (kind, build) in ROUTES.items():
        url = reverse(name, kwargs=build(world) if build else {})
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            where = f"{method.upper()} {url} -> {response.status_code}"
            if kind == "object":
                assert response.status_code in (404, 405), where
            else:
                assert response.status_code < 500, where
            body = response.content.decode(errors="replace")
            for secret in SECRET_NAMES:
                assert secret not in body, f"{where} shows {secret!r}"


def test_an_outsider_gets_404_or_nothing_for_every_pairing_operation(world, outsider):  # noqa: F811
    from rapport.api.api import operations

    ops = [op for op in operations() if op.operation_id.startswith("pairing_")]
    assert {op.operation_id for op in ops} == set(API_OPERATIONS)
    client, headers = Client(), bearer(outsider)
    for op in ops:
        params = re.findall(r"{(\w+)}", op.path)
        path = op.path
        for name in params:
            path = path.replace("{" + name + "}", str(API_PARAMETERS[name](world)))
        body = API_OPERATIONS[op.operation_id]
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
        elif op.operation_id in API_REFUSED:
            assert response.status_code == API_REFUSED[op.operation_id], text
        else:
            assert response.status_code < 400, f"{op.method} {path}: {text}"
        for secret in SECRET_NAMES:
            assert secret not in text, f"{op.method} {path} shows {secret!r}"
