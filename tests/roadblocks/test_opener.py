"""The suggested opener: observation first, then feeling, need and a question."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.roadblocks.opener import opener_draft


def draft(**parts: str) -> str:
    base = {"what_happened": "", "how_i_felt": "", "what_i_need": "", "what_i_will_ask": ""}
    return opener_draft(**{**base, **parts})


def test_it_builds_four_sentences_in_order_and_greets_by_first_name() -> None:
    assert opener_draft(
        what_happened="The plan changed on Friday without me.",
        how_i_felt="Left out",
        what_i_need="To hear early when plans change.",
        what_i_will_ask="check in before each release",
        first_name="Sam",
    ) == (
        "Hi Sam, I noticed the plan changed on Friday without me. I felt left out. "
        "I need to hear early when plans change. Could we check in before each release?"
    )


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (
            {"what_happened": "I noticed that Sam moved the deadline."},
            "I noticed Sam moved the deadline.",
        ),
        ({"what_happened": "Priya skipped the review"}, "I noticed Priya skipped the review."),
        ({"what_happened": "IT replaced the laptops"}, "I noticed IT replaced the laptops."),
        ({"how_i_felt": "I felt annoyed!"}, "I felt annoyed."),
        ({"how_i_felt": "I was upset"}, "I was upset."),
        ({"what_i_need": "I need a heads-up"}, "I need a heads-up."),
        ({"what_i_will_ask": "Could you tell me first?"}, "Could you tell me first?"),
        ({"what_i_will_ask": "give me a heads-up"}, "Could you give me a heads-up?"),
        ({"what_i_will_ask": "I will ask if we could plan together"}, "Could we plan together?"),
        ({"what_i_will_ask": "agree on a date"}, "Could we agree on a date?"),
    ],
)
def test_it_reads_the_parts_however_they_are_written(parts: dict, expected: str) -> None:
    assert draft(**parts) == expected


def test_empty_parts_are_left_out() -> None:
    assert draft() == ""
    assert opener_draft(what_happened="", how_i_felt="", what_i_need="", what_i_will_ask="",
                        first_name="Sam") == ""  # fmt: skip


@given(st.text(max_size=200), st.text(max_size=200), st.text(max_size=200), st.text(max_size=200))
def test_any_text_gives_one_line_without_crashing(a: str, b: str, c: str, d: str) -> None:
    result = opener_draft(what_happened=a, how_i_felt=b, what_i_need=c, what_i_will_ask=d)
    assert "\n" not in result
