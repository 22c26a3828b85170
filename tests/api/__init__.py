"""Tests of the JSON API at /api/v1 and of personal access tokens."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from rapport.accounts.tokens import token_create
from rapport.people.models import Organization, Person
from tests.factories import PersonFactory

API = "/api/v1"


def bearer(person: Person, name: str = "tests") -> dict[str, str]:
    """Headers that authenticate as `person` with a fresh personal access token."""
    _, secret = token_create(user=person.user, name=name)
    return {"Authorization": f"Bearer {secret}"}


def colleague(organization: Organization, **kwargs: Any) -> Person:
    """A person who never signs in with a password: hashing one takes most of a second."""
    return PersonFactory(organization=organization, user__password=None, **kwargs)


def send(client: Client, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
    """An API request with a JSON body (or none)."""
    data = "" if body is None else body if isinstance(body, str) else json.dumps(body)
    return client.generic(method, API + path, data=data, content_type="application/json", **kwargs)
