"""The tone coach's htmx endpoint: the fragment it answers, the include any form can drop in,
and its time budget."""

from __future__ import annotations

import statistics
import time

import pytest
from django.template import Context, Template
from django.urls import reverse

from rapport.tone.coach import MAX_DRAFT_CHARS
from rapport.tone.evaluate import examples_load

pytestmark = pytest.mark.django_db

URL = "/tone/check/"


def test_the_url_is_named_tone_check():
    assert reverse("tone:check") == URL


def test_a_flagged_draft_gets_its_spans_kinds_reasons_and_a_rewrite(member_client):
    response = member_client.post(URL, {"text": "You never reply to me."}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark title="Absolute: ' in html and ">never</mark>" in html
    assert 'data-kind="absolute"' in html and "Say when it happened instead." in html
    assert "I&#x27;ve noticed that you rarely reply to me." in html
    assert "<html" not in html  # a fragment, not a page
    assert response["Server-Timing"].startswith("tone;dur=")


def test_a_kind_draft_is_left_alone_and_an_empty_one_says_nothing(member_client):
    clear = member_client.post(URL, {"text": "Thanks for the help yesterday!"}).content.decode()
    assert 'data-tone="clear"' in clear
    assert member_client.post(URL, {"text": "   "}).content.decode().strip() == ""


def test_the_draft_can_come_in_the_forms_own_field(member_client):
    html = member_client.post(
        URL, {"field": "message", "field_id": "id_message", "message": "You're so lazy."}
    ).content.decode()
    assert 'data-kind="label"' in html
    assert "getElementById('id_message')" in html  # "use this wording" fills it in


def test_a_too_long_draft_is_not_checked_and_says_why(member_client):
    html = member_client.post(URL, {"text": "x" * (MAX_DRAFT_CHARS + 1)}).content.decode()
    assert 'data-tone="too-long"' in html and str(MAX_DRAFT_CHARS) in html


def test_it_is_for_signed_in_people_and_post_only(client, member_client):
    assert client.post(URL, {"text": "You never reply."}).status_code == 302
    assert member_client.get(URL).status_code == 405


def test_the_markup_of_a_draft_is_escaped(member_client):
    html = member_client.post(URL, {"text": "<script>alert(1)</script> you never reply"}).content
    assert b"<script>alert" not in html


def test_the_include_posts_the_textarea_as_you_type():
    html = Template('{% include "tone/_coach.html" with field_id="id_message" %}').render(Context())
    assert 'hx-post="/tone/check/"' in html
    assert 'hx-trigger="load, input changed delay:400ms from:#id_message"' in html
    assert 'hx-include="#id_message"' in html
    assert '"field": "message"' in html and 'aria-live="polite"' in html
    named = Template(
        '{% include "tone/_coach.html" with field_id="reply-box" field_name="body" %}'
    ).render(Context())
    assert '"field": "body"' in named


def test_it_answers_within_the_time_budget(member_client):
    """Loose: the median over the labelled sentences, whole request included, well under
    100 ms (bench/tone_web.py measures it properly)."""
    sentences = [example.text for example in examples_load()][:80]
    member_client.post(URL, {"text": sentences[0]})  # warm up
    timings = []
    for sentence in sentences:
        started = time.perf_counter()
        member_client.post(URL, {"text": sentence})
        timings.append((time.perf_counter() - started) * 1000)
    assert statistics.median(timings) < 100
