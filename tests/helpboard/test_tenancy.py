"""The tenancy walks of tests/tenancy, for the help board's routes and operations alone, so
this app's isolation is checked even while another app's entries are incomplete."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.tenancy.test_walk import SECRET_NAMES, world  # noqa: F401

from ..api import API, bearer
from ..conftest import client_for
from .tenancy import API_OPERATIONS, API_PARAMETERS, ROUTES

pytestmark = pytest.mark.django_db

# The API operations of this app, as served (method, path template).
OPERATIONS = {
    "helpboard_capacity_read": ("GET", "/helpboard/capacity"),
    "helpboard_capacity_update": ("PUT", "/helpboard/capacity"),
    "helpboard_people_with_capacity_list": ("GET", "/helpboard/capacity/people"),
    "helpboard_skills_list": ("GET", "/helpboard/skills"),
    "help_requests_list": ("GET", "/helpboard/requests"),
    "help_requests_create": ("POST", "/helpboard/requests"),
    "help_request_read": ("GET", "/helpboard/requests/{help_request_id}"),
    "help_request_close": ("POST", "/helpboard/requests/{help_request_id}/close"),
    "help_request_done": ("POST", "/helpboard/requests/{help_request_id}/done"),
    "help_offers_create": ("POST", "/helpboard/requests/{help_request_id}/offers"),
    "help_offer_accept": ("POST", "/helpboard/offers/{help_offer_id}/accept"),
}


def test_every_operation_of_the_router_is_listed():
    from rapport.helpboard.api import router

    served = {op.operation_id for view in router.path_operations.values() for op in view.operations}
    assert served == set(OPERATIONS) == set(API_OPERATIONS)


def test_an_outsider_gets_404_or_nothing_on_every_page(world, outsider):  # noqa: F811
    client = client_for(outsider)
    for name, (kind, build) in ROUTES.items():
        url = reverse(name, kwargs=build(world) if build else {})
        statuses = []
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            statuses.append(response.status_code)
            body = response.content.decode()
            assert response.status_code < 500, f"{method} {url}"
            for secret in SECRET_NAMES:
                assert secret not in body, f"{method} {url} shows {secret}"
        if kind == "object":
            assert set(statuses) <= {404, 405} and 404 in statuses, (url, statuses)


def test_an_outsider_gets_404_or_nothing_from_every_operation(world, outsider):  # noqa: F811
    client = Client()
    for operation_id, (method, template) in OPERATIONS.items():
        path = template
        params = re.findall(r"{(\w+)}", template)
        for name in params:
            path = path.replace("{" + name + "}", str(API_PARAMETERS[name](world)))
        body = API_OPERATIONS[operation_id]
        response = client.generic(
            method,
            API + path,
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=bearer(outsider),
        )
        text = response.content.decode()
        if params:
            assert response.status_code == 404, (operation_id, text)
        else:
            assert response.status_code < 400, (operation_id, text)
        for secret in SECRET_NAMES:
            assert secret not in text, operation_id
