"""Finding @mentions in text and rendering them: pure functions, no database."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from rapport.feed.mentions import Mentionable, mentioned_ids, render, resolve

PRIYA = Mentionable(1, "Priya Patel", "priya.patel")
PRIYA_P = Mentionable(2, "Priya", "pp")
SAM_A = Mentionable(3, "Sam Lee", "sam.a")
SAM_B = Mentionable(4, "Sam Lee", "sam.b")
LUCIA = Mentionable(5, "Lucía Romero", "lucia")
PEOPLE = [PRIYA, PRIYA_P, SAM_A, SAM_B, LUCIA]


def test_a_full_name_wins_over_a_shorter_one():
    assert mentioned_ids("Thanks @Priya Patel!", PEOPLE) == [1]
    assert mentioned_ids("Thanks @Priya for the help", PEOPLE) == [2]


def test_names_match_whatever_the_case_and_accents_stay():
    assert mentioned_ids("@priya patel and @LUCÍA ROMERO", PEOPLE) == [1, 5]


def test_a_handle_names_someone_whose_name_is_shared():
    assert mentioned_ids("@Sam Lee said hi", PEOPLE) == []
    assert mentioned_ids("@sam.b said hi", PEOPLE) == [4]


def test_email_addresses_and_words_with_at_signs_are_not_mentions():
    assert mentioned_ids("write to priya.patel@example.com or a@Priya", PEOPLE) == []


def test_each_person_counts_once_in_order_of_first_mention():
    assert mentioned_ids("@lucia, @Priya Patel, @lucia again", PEOPLE) == [5, 1]


def test_names_do_not_run_across_lines_or_punctuation():
    assert mentioned_ids("@Priya\nPatel", PEOPLE) == [2]
    spans = resolve("Hi @Priya Patel, thanks", PEOPLE)
    assert [(s.start, s.end) for s in spans] == [(3, 15)]


def test_render_links_mentions_and_escapes_everything_else():
    html = render("<b>@Priya Patel</b> & co\nnext", PEOPLE)
    assert html == (
        '&lt;b&gt;<a class="mention" href="/people/1/">@Priya Patel</a>&lt;/b&gt; &amp; co<br>next'
    )


@given(st.text(max_size=300))
def test_render_never_lets_markup_through(text):
    html = render(text, PEOPLE)
    without_ours = re.sub(r'<a class="mention" href="/people/\d+/">|</a>|<br>', "", html)
    assert "<" not in without_ours and ">" not in without_ours


@given(st.text(alphabet=st.sampled_from("@ Priya Patel sam.bLucía\n,"), max_size=80))
def test_spans_never_overlap_and_point_at_an_at_sign(text):
    spans = resolve(text, PEOPLE)
    for span in spans:
        assert text[span.start] == "@"
    for first, second in itertools.pairwise(spans):
        assert first.end <= second.start


def test_a_possessive_or_punctuation_after_a_name_still_mentions():
    assert mentioned_ids("@Priya Patel's review, and @Lucía Romero.", PEOPLE) == [1, 5]
    assert mentioned_ids("@Priya Patelson", PEOPLE) == [2]
