"""The tone coach's answer as JSON-ready data: one shape for `rapport tone-check` and for
`POST /api/v1/tone/check`, built in one place.

    {"text": ..., "flagged": ..., "flags": [{"start", "end", "kind", "reason"}],
     "suggestion": ...}

Offsets count characters (Python string indices, i.e. Unicode code points) in "text".
"""

from __future__ import annotations

from typing import Any

from .coach import MAX_DRAFT_CHARS, check

#: How each kind of flag is named to people.
KIND_LABELS: dict[str, str] = {
    "absolute": "Absolute",
    "mind_reading": "Mind reading",
    "blame": "Blame",
    "label": "Label",
    "negative": "Harsh wording",
}


def tone_result(text: str) -> dict[str, Any]:
    """The coach's report on one draft (raises coach.DraftTooLong beyond MAX_DRAFT_CHARS)."""
    return check(text).as_dict()


def too_long_message(length: int) -> str:
    return (
        f"draft too long: {length} characters, at most {MAX_DRAFT_CHARS} are checked; "
        "nothing was checked"
    )


def too_long_result(text: str) -> dict[str, Any]:
    """What the command prints for a line it refuses: the same four keys as any other line
    (the issue's shape, nothing added), unflagged; why goes to standard error."""
    return {"text": text, "flagged": False, "flags": [], "suggestion": None}
