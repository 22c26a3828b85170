"""The default guides: one per practice, shipped as text files in `content/`.

Each file is a few header lines (`title:`, `summary:`), a line `---`, then the body in the
Markdown subset of `guides.markdown`. The slug is the file name; where a capability of
`web.capabilities` exists for the practice, the slug is that capability's, so a feature can
link to its guide with `{% url 'guides:detail' '<its slug>' %}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"

#: The practices, in the order DESIGN.md lists them.
ORDER: tuple[str, ...] = (
    "checkins",
    "ask-dont-assume",
    "helpboard",
    "feed",
    "kudos",
    "commitments",
    "roadblocks",
    "insights",
    "today",
    "pairing",
    "care",
)

MAX_TITLE = 120
MAX_SUMMARY = 300
MAX_BODY = 10_000


@dataclass(frozen=True, slots=True)
class GuideText:
    title: str
    summary: str
    body: str


def parse(text: str) -> GuideText:
    head, separator, body = text.partition("\n---\n")
    if not separator:
        raise ValueError("A guide file needs header lines, then a line '---', then the body.")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip().lower()] = value.strip()
    if not fields.get("title"):
        raise ValueError("A guide file needs a 'title:' line.")
    return GuideText(title=fields["title"], summary=fields.get("summary", ""), body=body.strip())


@cache
def defaults() -> dict[str, GuideText]:
    """Every default guide by slug, in ORDER (read once per process)."""
    return {slug: parse((CONTENT_DIR / f"{slug}.txt").read_text("utf-8")) for slug in ORDER}
