"""The tone coach's API: check one draft.

`POST /api/v1/tone/check` answers exactly what `rapport tone-check` prints for one line
(both come from `rapport.tone.results.tone_result`).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from rapport.api.auth import viewer
from rapport.api.errors import ApiError
from rapport.api.schemas import Text

from .coach import MAX_DRAFT_CHARS
from .results import tone_result, too_long_message

router = Router(tags=["tone"])


class DraftTooLongError(ApiError):
    status = 422
    code = "draft_too_long"


class ToneCheckIn(Schema):
    model_config = {"extra": "forbid"}

    text: Text = Field(
        description=f"The draft, at most {MAX_DRAFT_CHARS} characters",
        examples=["You never reply to my messages."],
    )


class FlagOut(Schema):
    start: int = Field(description="Offset of the first flagged character (code points)")
    end: int = Field(description="Offset just after the last flagged character")
    kind: str = Field(description="absolute, mind_reading, blame, label or negative")
    reason: str


class ToneCheckOut(Schema):
    text: str
    flagged: bool
    flags: list[FlagOut]
    suggestion: str | None = Field(description="An observation-first rewrite; null if unflagged")


@router.post(
    "/tone/check",
    response=ToneCheckOut,
    operation_id="tone_check",
    url_name="tone_check",
    summary="Check a draft for assumption and blame language, with a suggested rewrite",
)
def tone_check(request: HttpRequest, payload: ToneCheckIn) -> dict[str, Any]:
    viewer(request)
    if len(payload.text) > MAX_DRAFT_CHARS:
        raise DraftTooLongError(_too_long_detail(len(payload.text)))
    return tone_result(payload.text)


def _too_long_detail(length: int) -> str:
    message = too_long_message(length)
    return message[:1].upper() + message[1:] + "."
