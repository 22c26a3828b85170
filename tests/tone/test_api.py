"""POST /api/v1/tone/check: the same JSON as `rapport tone-check`, and a clear 422."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.tone.coach import MAX_DRAFT_CHARS
from tests.api import bearer, send

pytestmark = pytest.mark.django_db

DRAFTS = [
    "You never reply to me.",
    "Why didn't you tell me?",
    "Thanks for the help!",
    "Zoë, you\u2019re always late 😅",
    "You obviously skipped the doc. This code is garbage.",
]


@pytest.fixture
def api(member):
    client = Client(headers=bearer(member))
    return lambda body: send(client, "POST", "/tone/check", body)


def test_it_answers_exactly_what_the_command_prints(api):
    out = io.StringIO()
    call_command("tone_check", stdin=io.StringIO("\n".join(DRAFTS) + "\n"), stdout=out)
    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    answered = [api({"text": draft}).json() for draft in DRAFTS]
    assert answered == printed
    assert answered[0]["flags"][0]["kind"] == "absolute"


def test_a_too_long_draft_is_a_clear_422(api):
    response = api({"text": "x" * (MAX_DRAFT_CHARS + 1)})
    assert response.status_code == 422
    assert response.json()["code"] == "draft_too_long"
    assert f"at most {MAX_DRAFT_CHARS}" in response.json()["detail"]
    assert api({"text": "x" * MAX_DRAFT_CHARS}).status_code == 200


@pytest.mark.parametrize(
    "body", [{}, {"text": 5}, {"text": "a\x00b"}, {"text": "hi", "x": 1}, "[]"]
)
def test_bad_bodies_are_422(api, body):
    response = api(body)
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_it_needs_a_caller(client):
    assert send(client, "POST", "/tone/check", {"text": "hi"}).status_code == 401


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300).filter(lambda t: "\x00" not in t))
def test_any_text_gets_well_formed_offsets(api, text):
    result = api({"text": text}).json()
    assert result["text"] == text
    for flag in result["flags"]:
        assert 0 <= flag["start"] < flag["end"] <= len(text)
