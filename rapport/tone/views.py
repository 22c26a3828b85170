"""The tone coach in the browser: an htmx endpoint that answers a draft with a small HTML
fragment (what is flagged, why, and an observation-first rewrite).

Any form can show it under its textarea with one line (see templates/tone/_coach.html):

    {% include "tone/_coach.html" with field_id="id_message" %}

The fragment is rendered from the same report as the API and the `tone-check` command.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from rapport.people.access import PersonRequest, person_required

from .coach import MAX_DRAFT_CHARS, Flag, ToneReport, check
from .results import KIND_LABELS

#: POST keys that are never the draft itself.
NOT_THE_DRAFT = {"csrfmiddlewaretoken", "field", "field_id"}


@dataclass(frozen=True)
class Segment:
    text: str
    flag: Flag | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.flag.kind, self.flag.kind) if self.flag else ""


def segments(report: ToneReport) -> list[Segment]:
    """The draft cut into plain and highlighted stretches. Flags of different kinds may
    overlap; the first one to start is highlighted, and every flag is still listed."""
    parts: list[Segment] = []
    cursor = 0
    for flag in report.flags:
        if flag.start < cursor:
            continue
        if flag.start > cursor:
            parts.append(Segment(report.text[cursor : flag.start]))
        parts.append(Segment(report.text[flag.start : flag.end], flag))
        cursor = flag.end
    if cursor < len(report.text):
        parts.append(Segment(report.text[cursor:]))
    return parts


def _draft(request: PersonRequest) -> str:
    """`text`, or the field named by `field` (what the include sends: the textarea's own
    name, so a form needs no extra input)."""
    if "text" in request.POST:
        return request.POST["text"]
    field = request.POST.get("field", "")
    if field and field not in NOT_THE_DRAFT:
        return request.POST.get(field, "")
    return ""


@require_POST
@person_required
def check_draft(request: PersonRequest) -> HttpResponse:
    text = _draft(request).replace("\x00", "")
    field_id = request.POST.get("field_id", "")[:100]
    context: dict[str, object] = {"field_id": field_id, "too_long": False, "report": None}
    started = time.perf_counter()
    if len(text) > MAX_DRAFT_CHARS:
        context.update(too_long=True, length=len(text), limit=MAX_DRAFT_CHARS)
    elif text.strip():
        report = check(text)
        flags = [
            {
                "kind": flag.kind,
                "label": KIND_LABELS.get(flag.kind, flag.kind),
                "excerpt": text[flag.start : flag.end],
                "reason": flag.reason,
            }
            for flag in report.flags
        ]
        context.update(report=report, segments=segments(report), flags=flags)
    elapsed_ms = (time.perf_counter() - started) * 1000
    response = render(request, "tone/_result.html", context)
    response["Server-Timing"] = f"tone;dur={elapsed_ms:.2f}"
    return response
