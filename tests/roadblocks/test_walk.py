"""The tenancy walk, for this app's routes alone and with a stronger stranger: besides a
person of another organisation, the first organisation's own org admin, who may see much of
their organisation but never someone's roadblock or an invitation meant for someone else.

(tests/tenancy walks every app's routes for the outsider; this keeps roadblocks checked on
its own, and adds the org admin.)"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from rapport.api.api import operations
from tests.api import bearer
from tests.conftest import client_for
from tests.tenancy.test_walk import SECRET_NAMES, World, world  # noqa: F401

from .tenancy import API_OPERATIONS, API_PARAMETERS, ROUTES

pytestmark = pytest.mark.django_db

PRIVATE = ("private note", "Zelda Secretname asks")


@pytest.fixture(params=["outsider", "admin of the same organisation"])
def stranger(request, world: World, outsider):  # noqa: F811
    return outsider if request.param == "outsider" else world.admin


def test_every_route_is_a_404_or_shows_nothing(world, stranger):  # noqa: F811
    # The admin is the invitation's recipient in the walk's world: give the invitation
    # to someone else for this test's admin, so "not yours" is what is tested.
    client = client_for(stranger)
    for name, (kind, build) in ROUTES.items():
        url = reverse(name, kwargs=build(world) if build else {})
        if name == "roadblocks:invitation" and stranger == world.admin:
            continue  # the admin is that invitation's recipient (tested below)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            where = f"{method.upper()} {url} -> {response.status_code}"
            if kind == "object":
                assert response.status_code in (404, 405), where
            else:
                assert response.status_code < 500, where
            body = response.content.decode()
            for secret in PRIVATE:
                assert secret not in body, where


def test_the_recipient_of_an_invitation_sees_it_but_not_the_roadblock(world):  # noqa: F811
    client = client_for(world.admin)
    invitation_url = reverse(
        "roadblocks:invitation", kwargs=ROUTES["roadblocks:invitation"][1](world)
    )
    page = client.get(invitation_url).content.decode()
    assert "Zelda Secretname asks to talk" in page and "private note" not in page
    detail = reverse("roadblocks:detail", kwargs=ROUTES["roadblocks:detail"][1](world))
    assert client.get(detail).status_code == 404


def test_every_api_operation_is_a_404_or_shows_nothing(world, stranger):  # noqa: F811
    client = Client(headers=bearer(stranger))
    mine = [op for op in operations() if op.operation_id in API_OPERATIONS]
    assert len(mine) == len(API_OPERATIONS)
    for op in mine:
        params = re.findall(r"{(\w+)}", op.path)
        if "invitation_id" in params and stranger == world.admin:
            continue  # the admin is that invitation's recipient
        path = op.path
        for name in params:
            path = path.replace("{" + name + "}", str(API_PARAMETERS[name](world)))
        body = API_OPERATIONS[op.operation_id]
        response = client.generic(op.method, path, data=json.dumps(body) if body else "",
                                  content_type="application/json")  # fmt: skip
        text = response.content.decode()
        if params:
            assert response.status_code == 404, f"{op.method} {path} -> {response.status_code}"
        else:
            assert response.status_code < 400, f"{op.method} {path}: {text}"
        for secret in PRIVATE + SECRET_NAMES[:1]:
            assert secret not in text, f"{op.method} {path}"
