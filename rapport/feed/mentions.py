"""@mentions in posts and replies: finding them in text and showing them as links.

Two ways to name someone, both matched against people of the writer's organisation:

- their name as it appears in Rapport, after an @: "thanks @Priya Patel for the review"
  (also "@Priya Patel's review", "@priya patel,"): the longest name that the text after the
  @ starts with, ending where a word ends;
- their handle, the part of their email address before the @: "@priya.patel".

A name shared by two people matches neither (the handle tells them apart). Parsing is pure
(no database), so pages render mentions with the same rules that found them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Mentions read in one text; anything beyond is plain text (a post is not a mailing list).
MAX_MENTIONS = 20

# An @ that starts a mention: not inside an email address or a word.
_AT = re.compile(r"(?<![\w@.])@(?=\w)")
_FIRST_WORD = re.compile(r"[\w'’-]+")  # noqa: RUF001 - a typographic apostrophe, on purpose
_APOSTROPHES = "'’-"  # noqa: RUF001 - possessives, with a straight or a curly apostrophe
_HANDLE = re.compile(r"[\w.+-]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One @ in a text: where it is, the word after it, and the handle it could be."""

    start: int
    first_word: str
    handle: str


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    person_id: int


@dataclass(frozen=True, slots=True)
class Mentionable:
    """What a mention can match about a person."""

    id: int
    display_name: str
    handle: str


def candidates(text: str) -> list[Candidate]:
    found: list[Candidate] = []
    for at in _AT.finditer(text):
        if len(found) >= MAX_MENTIONS:
            break
        word = _FIRST_WORD.match(text, at.end())
        handle = _HANDLE.match(text, at.end())
        found.append(
            Candidate(
                start=at.start(),
                first_word=word.group().rstrip(_APOSTROPHES) if word else "",
                handle=handle.group().rstrip(".") if handle else "",
            )
        )
    return found


def lookups(found: Iterable[Candidate]) -> tuple[set[str], set[str]]:
    """First words (names start with one) and handles to look up for these candidates."""
    words = {c.first_word for c in found if c.first_word}
    handles = {c.handle for c in found if c.handle}
    return words, handles


def _ends_a_word(text: str, position: int) -> bool:
    return position >= len(text) or not text[position].isalnum()


def resolve(text: str, people: Iterable[Mentionable]) -> list[Span]:
    """Where the text mentions one of `people`: each @ by the longest name that follows it
    and belongs to exactly one person, else by a handle. At most one span per @."""
    names: dict[str, set[int]] = {}
    handles: dict[str, set[int]] = {}
    for person in people:
        name = " ".join(person.display_name.split()).lower()
        if name:
            names.setdefault(name, set()).add(person.id)
        if person.handle:
            handles.setdefault(person.handle.lower(), set()).add(person.id)
    by_length = sorted(names, key=len, reverse=True)
    spans: list[Span] = []
    for candidate in candidates(text):
        begin = candidate.start + 1
        span = None
        for name in by_length:
            end = begin + len(name)
            if text[begin:end].lower() == name and _ends_a_word(text, end):
                ids = names[name]
                if len(ids) == 1:
                    span = Span(candidate.start, end, next(iter(ids)))
                break  # the longest name that fits decides, even when it is ambiguous
        if span is None and candidate.handle:
            ids = handles.get(candidate.handle.lower(), set())
            if len(ids) == 1:
                span = Span(candidate.start, begin + len(candidate.handle), next(iter(ids)))
        if span is not None and (not spans or span.start >= spans[-1].end):
            spans.append(span)
    return spans


def mentioned_ids(text: str, people: Iterable[Mentionable]) -> list[int]:
    """The people the text mentions, in order of first mention, each once."""
    seen: dict[int, None] = {}
    for span in resolve(text, people):
        seen.setdefault(span.person_id, None)
    return list(seen)


def render(text: str, people: Iterable[Mentionable], *, link: str = "/people/{id}/") -> SafeString:
    """The text as safe HTML: everything escaped, line breaks kept, mentions as links."""
    parts: list[str] = []
    position = 0
    for span in resolve(text, people):
        parts.append(escape(text[position : span.start]))
        url = escape(link.format(id=span.person_id))
        parts.append(f'<a class="mention" href="{url}">{escape(text[span.start : span.end])}</a>')
        position = span.end
    parts.append(escape(text[position:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>")
    return mark_safe(html)
