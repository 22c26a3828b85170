"""Bad input never gets a 500: send junk to EVERY route and API operation, as a member and
as an org admin of the organisation that owns the objects named in the URL.

The pages are walked with the tenancy walk's coverage (tests/tenancy), so a new route or
operation is covered here as soon as it is covered there. For each page the test reads the
form fields it shows and posts junk into them: empty values, very long text with a NUL
character (PostgreSQL refuses NULs in text), numbers out of any range, impossible dates,
markup and odd Unicode. API operations get junk in every property of their request body
schema, and bodies that are not objects at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from rapport.api.api import api, operations

from ..api import bearer
from ..conftest import client_for
from ..tenancy.test_api_walk import API_COVERAGE, PARAMETERS
from ..tenancy.test_walk import COVERAGE, World, project_routes, world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=False)

JUNK_VALUES: tuple[Any, ...] = (
    "",
    "x" * 3000 + "\x00" + "-1'\"<script>\u202e😀",
    "99999999999999999999",
    "2026-02-30T25:99",
)
JUNK_QUERY = (
    "?page=-1&page_size=100000&q=%00&before=zz&after=zz&kind=%00&team=x&person=99999999999999999999"
    "&show=%3Cb%3E&tab=nope&skill=%00&state=zz&day=2026-02-30&week=-5&to=x&from_post=x&slug=%00"
)
COMMON_FIELDS = ("message", "body", "text", "title", "note", "name", "email", "to", "page")
FIELD_NAME = re.compile(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"')


def _form_fields(html: str) -> set[str]:
    return set(FIELD_NAME.findall(html)) - {"csrfmiddlewaretoken"}


def _junk_page(client: Client, url: str, who: str) -> list[str]:
    problems = []
    page = client.get(url + JUNK_QUERY)
    if page.status_code >= 500:
        problems.append(f"{who}: GET {url}{JUNK_QUERY} -> {page.status_code}")
    plain = client.get(url)
    html = plain.content.decode(errors="replace") if plain.status_code == 200 else ""
    names = _form_fields(html) | set(COMMON_FIELDS)
    for n, value in enumerate(JUNK_VALUES):
        headers = {"HX-Request": "true"} if n == 0 else {}
        response = client.post(url, dict.fromkeys(names, value), headers=headers)
        if response.status_code >= 500:
            problems.append(f"{who}: POST {url} {str(value)[:24]!r} -> {response.status_code}")
    return problems


ROUTE_NAMES = sorted(name for name, *_ in project_routes())


@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_no_page_answers_junk_with_a_500(world, name):  # noqa: F811
    _kind, build = COVERAGE[name]
    url = reverse(name, kwargs=build(world) if build else {})
    member = client_for(world.person)
    member.raise_request_exception = False  # collect every 500, not just the first
    problems = _junk_page(member, url, "member")
    if member.get(url).status_code in (403, 404):  # the people team's pages
        cache.clear()  # sign-in and form throttles would answer 429 to the admin
        admin = client_for(world.admin)
        admin.raise_request_exception = False
        problems += _junk_page(admin, url, "org admin")
    assert not problems, "\n".join(problems)


def _body_properties(method: str, path: str) -> set[str]:
    schema_root = api.get_openapi_schema()
    spec = schema_root["paths"][path][method.lower()]
    content = spec.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = schema_root["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return set(schema.get("properties", {}))


OPERATIONS = {op.operation_id: op for op in operations()}


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_no_api_operation_answers_junk_with_a_500(world, operation_id):  # noqa: F811
    op = OPERATIONS[operation_id]
    client = Client(raise_request_exception=False)
    path = op.path
    for param in re.findall(r"{(\w+)}", op.path):
        path = path.replace("{" + param + "}", str(PARAMETERS[param](world)))
    fields = _body_properties(op.method, op.path)
    bodies: list[Any] = [API_COVERAGE[op.operation_id], "not json at all", [1, 2], None]
    bodies += [dict.fromkeys(fields, v) for v in (*JUNK_VALUES, -1, 10**20, [], {})]
    problems = []
    for person in (world.person, world.admin):
        for body in bodies:
            data = body if isinstance(body, str) else json.dumps(body)
            response = client.generic(
                op.method,
                path + JUNK_QUERY,
                data=data,
                content_type="application/json",
                headers=bearer(person),
            )
            if response.status_code >= 500:
                problems.append(
                    f"{op.method} {path} {data[:60]!r} -> "
                    f"{response.status_code} {response.content[:200]!r}"
                )
        cache.clear()
    assert not problems, "\n".join(problems)
