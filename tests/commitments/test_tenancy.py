"""The tenancy walks (tests/tenancy) restricted to this app, so they can run on their own:
an outsider gets 404 for every commitment route and API operation naming an object, and
sees nothing of the first organisation anywhere else."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from rapport.commitments.api import router
from tests.api import API, bearer
from tests.conftest import client_for
from tests.tenancy.test_walk import SECRET_NAMES, World, project_routes, world  # noqa: F401

from . import tenancy

pytestmark = pytest.mark.django_db


def test_every_route_and_operation_is_listed():
    mine = {name for name, *_ in project_routes() if name.startswith("commitments:")}
    assert mine == set(tenancy.ROUTES)
    operations = {
        op.operation_id for view in router.path_operations.values() for op in view.operations
    }
    assert operations == set(tenancy.API_OPERATIONS)


def test_an_outsider_gets_404_or_nothing_from_every_page(world, outsider):  # noqa: F811
    client = client_for(outsider)
    for name, (kind, build) in tenancy.ROUTES.items():
        url = reverse(name, kwargs=build(world) if build else {})
        statuses = set()
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            statuses.add(response.status_code)
            assert response.status_code < 500, f"{method} {url}"
            body = response.content.decode()
            assert not any(secret in body for secret in SECRET_NAMES), f"{method} {url}"
        if kind == "object":
            assert statuses <= {404, 405} and 404 in statuses, f"{name}: {statuses}"


def test_an_outsider_gets_404_or_nothing_from_every_operation(world, outsider):  # noqa: F811
    client = Client()
    headers = bearer(outsider)
    for path, view in router.path_operations.items():
        for op in view.operations:
            params = re.findall(r"{(\w+)}", path)
            real = path
            for param in params:
                if param in tenancy.API_PARAMETERS:
                    value = tenancy.API_PARAMETERS[param](world)
                else:
                    value = {"person_id": world.person.pk, "team_id": world.team.pk}[param]
                real = real.replace("{" + param + "}", str(value))
            body = tenancy.API_OPERATIONS[op.operation_id]
            for method in op.methods:
                response = client.generic(
                    method,
                    API + real,
                    data=json.dumps(body) if body is not None else "",
                    content_type="application/json",
                    headers=headers,
                )
                where = f"{method} {real} -> {response.status_code}"
                if params:
                    assert response.status_code == 404, where
                elif op.operation_id in tenancy.API_REFUSED:
                    assert response.status_code == tenancy.API_REFUSED[op.operation_id], where
                else:
                    assert response.status_code < 400, where
                text = response.content.decode()
                assert not any(secret in text for secret in SECRET_NAMES), where
