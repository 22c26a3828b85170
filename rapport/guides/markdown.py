"""A small, safe Markdown subset for guides: what their text needs and nothing more.

Supported: paragraphs (blank line between), headings (`#`, `##` become h2, `###` and
deeper h3: the page's h1 is the guide's title), lists (`- ` or `* `, and `1. `), `**bold**`,
`*emphasis*`, `` `code` `` and links `[text](url)` to http(s), mailto or paths inside Rapport.

Everything is HTML-escaped first, so whatever an admin types can only come out as text or
as the handful of tags above. No dependency: a well-kept Markdown library plus a sanitiser
would be more than these pages need.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
_SAFE_URL = re.compile(r"^(https?://|mailto:|/(?!/)|#)", re.IGNORECASE)
_PLACEHOLDER = "\x00{}\x00"


def render(text: str) -> SafeString:
    """Markdown subset → safe HTML."""
    html: list[str] = []
    paragraph: list[str] = []
    list_tag: str | None = None
    items: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            html.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_tag
        if list_tag:
            body = "".join(f"<li>{inline(item)}</li>" for item in items)
            html.append(f"<{list_tag}>{body}</{list_tag}>")
            items.clear()
            list_tag = None

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        if not line.strip():
            flush_paragraph()
            flush_list()
        elif heading:
            flush_paragraph()
            flush_list()
            level = "h2" if len(heading.group(1)) <= 2 else "h3"
            html.append(f"<{level}>{inline(heading.group(2))}</{level}>")
        elif bullet or numbered:
            flush_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag != tag:
                flush_list()
                list_tag = tag
            items.append((bullet or numbered).group(1))  # type: ignore[union-attr]
        elif list_tag and raw[:1].isspace():
            items[-1] += " " + line.strip()  # a list item continued on the next line
        else:
            flush_list()
            paragraph.append(line.strip())
    flush_paragraph()
    flush_list()
    return mark_safe("\n".join(html))


def inline(text: str) -> str:
    """One line's inline markup, escaped first."""
    text = text.replace("\x00", "")
    kept: list[str] = []

    def keep(fragment: str) -> str:
        kept.append(fragment)
        return _PLACEHOLDER.format(len(kept) - 1)

    # Code spans first: nothing inside them is markup.
    text = _CODE.sub(lambda m: keep(f"<code>{escape(m.group(1))}</code>"), text)

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if not _SAFE_URL.match(url):
            return keep(escape(match.group(0)))
        return keep(f'<a href="{escape(url)}">{_emphasis(escape(label))}</a>')

    text = _LINK.sub(link, text)
    text = _emphasis(escape(text))
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)


def _emphasis(escaped: str) -> str:
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _EM.sub(r"<em>\1</em>", escaped)


def plain(text: str) -> str:
    """The text without markup, for previews and search."""
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"[*`#]", "", text)
    return " ".join(text.split())
