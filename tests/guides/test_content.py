"""The default guides and the Markdown subset they are written in."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from rapport.guides.content import ORDER, defaults, parse
from rapport.guides.markdown import render
from rapport.web.capabilities import BY_SLUG

SEED = "/work/shared/seed/article.txt"


def test_there_is_one_guide_per_practice_with_capability_slugs():
    guides = defaults()
    assert list(guides) == list(ORDER)
    capability_slugs = {
        "checkins",
        "kudos",
        "feed",
        "helpboard",
        "commitments",
        "roadblocks",
        "pairing",
        "insights",
        "care",
    }
    assert capability_slugs <= set(guides)
    assert capability_slugs <= set(BY_SLUG)


def test_each_guide_is_short_practical_and_structured():
    for slug, guide in defaults().items():
        words = len(re.sub(r"[#*`\-]", " ", guide.body).split())
        assert 150 <= words <= 300, (slug, words)
        assert guide.title and guide.summary, slug
        for heading in ("## Why it matters", "## How to do it this week", "## What to avoid"):
            assert heading in guide.body, (slug, heading)


def test_no_guide_copies_a_sentence_of_the_seed_article():
    import pathlib

    path = pathlib.Path(SEED)
    if not path.exists():  # the seed text lives outside the repository
        return
    seed = " ".join(path.read_text("utf-8").lower().split())
    for slug, guide in defaults().items():
        words = guide.body.lower().split()
        for i in range(len(words) - 7):
            assert " ".join(words[i : i + 8]) not in seed, slug


def test_a_file_without_its_header_is_refused():
    import pytest

    with pytest.raises(ValueError):
        parse("no header at all")
    with pytest.raises(ValueError):
        parse("summary: x\n---\nbody")


def test_the_markdown_subset():
    html = render(
        "# Big\n## Why\nSome **bold** and *soft* text,\nwrapped.\n\n- one\n- two `x<y`\n\n"
        "1. first\n2. [second](https://example.com/?a=1&b=2)\n\n### Small"
    )
    assert html == (
        "<h2>Big</h2>\n<h2>Why</h2>\n"
        "<p>Some <strong>bold</strong> and <em>soft</em> text, wrapped.</p>\n"
        "<ul><li>one</li><li>two <code>x&lt;y</code></li></ul>\n"
        '<ol><li>first</li><li><a href="https://example.com/?a=1&amp;b=2">second</a></li></ol>\n'
        "<h3>Small</h3>"
    )


def test_unsafe_links_and_html_stay_text():
    html = render('<script>alert(1)</script> [x](javascript:alert(1)) [y](//evil.example) "q"')
    assert "<script" not in html and "href" not in html
    assert "&lt;script&gt;" in html and "[x](javascript:alert(1))" in html


ALLOWED = re.compile(r"</?(p|h2|h3|ul|ol|li|strong|em|code)>|<a href=\"[^\"<>]*\">|</a>")


@given(st.text(alphabet=st.sampled_from(list("<>&\"'*`#-[]()/: \nabjs1.")), max_size=200))
def test_nothing_but_the_subsets_tags_ever_come_out(text):
    html = render(text)
    assert "<" not in ALLOWED.sub("", html)
    for href in re.findall(r'href="([^"]*)"', html):
        assert re.match(r"^(https?://|mailto:|/(?!/)|#)", href, re.IGNORECASE), href


@given(st.text(max_size=300))
def test_any_text_renders_without_error_and_without_raw_angle_brackets(text):
    assert "<" not in ALLOWED.sub("", render(text))
