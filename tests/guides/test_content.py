"""The default guides and the Markdown subset they are written in."""

from __future__ import annotations

import pathlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.guides.content import ORDER, defaults, parse
from rapport.guides.markdown import render
from rapport.web.capabilities import BY_SLUG

from . import shingles

SEED = "shared/seed/article.txt"


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


def test_no_guide_copies_eight_words_in_a_row_of_the_seed_article():
    known = shingles.load()
    # The fingerprints are really there (one per window of a ~650-word article), hex only.
    assert len(known) > 500
    assert all(re.fullmatch(r"[0-9a-f]{64}", line) for line in known)
    for slug, guide in defaults().items():
        text = f"{guide.title}\n{guide.summary}\n{guide.body}"
        assert shingles.copied_windows(text, known) == [], slug


def test_no_text_of_rapport_copies_the_seed_article():
    """Every sentence of the product is our own: code, templates, guides, demo data."""
    known = shingles.load()
    root = pathlib.Path(__file__).resolve().parents[2] / "rapport"
    copied = {
        str(path.relative_to(root)): windows
        for path in sorted(root.rglob("*"))
        if path.suffix in {".py", ".html", ".txt", ".csv", ".md"}
        and (windows := shingles.copied_windows(path.read_text("utf-8"), known))
    }
    assert copied == {}


def test_the_copy_check_finds_a_copy_however_it_is_punctuated():
    article = "Kind words, shared early, make hard weeks lighter for everyone on the team."
    known = shingles.shingles(article)
    copied = "Remember: KIND words shared early — make hard weeks lighter for… all of us."
    assert shingles.copied_windows(copied, known) == [
        "kind words shared early make hard weeks lighter",
        "words shared early make hard weeks lighter for",
    ]
    assert shingles.copied_windows("Kind words make hard weeks lighter.", known) == []
    # Typographic apostrophes are the plain ones.
    assert shingles.words("You\u2019d see it") == ["you'd", "see", "it"]


def test_the_fingerprints_match_the_article_where_it_is_at_hand():
    """Where the seed article sits beside the repository (a developer's machine, CI), the
    committed fingerprints are exactly the article's: they can't silently go stale."""
    repository = pathlib.Path(__file__).resolve().parents[2]
    article = next(
        (p for p in (repository.parent / SEED, pathlib.Path("/work") / SEED) if p.exists()), None
    )
    if article is None:
        pytest.skip("the seed article is not beside this checkout")
    assert shingles.shingles(article.read_text("utf-8")) == shingles.load()


def test_a_file_without_its_header_is_refused():
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
