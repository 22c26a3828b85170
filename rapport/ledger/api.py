"""The ledger API: the caller's own strongest ties.

Only the caller's ties: they are built from interactions the caller took part in, so they
reveal nothing the caller may not already see.
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rapport.api.auth import viewer
from rapport.people.models import Person

from .selectors import PersonTie, person_ties

router = Router(tags=["ties"])

MAX_TIES = 50


class TiePersonOut(Schema):
    id: int
    display_name: str
    title: str
    status: str


class TieOut(Schema):
    person: TiePersonOut
    strength: float = Field(description="Decayed sum of interaction weights; higher is stronger")


class TiesOut(Schema):
    items: list[TieOut]


def _tie(tie: PersonTie) -> dict[str, object]:
    return {"person": tie.person, "strength": round(tie.strength, 4)}


@router.get(
    "/me/ties",
    response=TiesOut,
    operation_id="my_ties_list",
    url_name="my_ties",
    summary="My strongest ties, strongest first (a top list, not paginated)",
)
def my_ties_list(
    request: HttpRequest,
    limit: int = Query(10, ge=1, le=MAX_TIES, description=f"How many, at most {MAX_TIES}"),
) -> dict[str, object]:
    me: Person = viewer(request)
    return {"items": [_tie(tie) for tie in person_ties(person=me, limit=limit)]}
