"""The help board API: my capacity, people with capacity, requests, offers.

The same services as the pages, so the same rules: refusals are 422 with a sentence
(`code` "invalid", the field named in `errors`), acting on someone else's request is 403,
anything the caller may not see is 404 (a `from_post` too).
"""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from rapport.api.auth import viewer
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text
from rapport.feed.access import get_post_for
from rapport.people.access import get_team_for

from . import selectors, services
from .models import (
    DESCRIPTION_MAX_LENGTH,
    OFFER_MAX_LENGTH,
    SKILL_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Audience,
    Capacity,
    CapacityStatus,
    Effort,
    HelpRequest,
    Offer,
    OfferState,
    RequestState,
    Skill,
)
from .skills import skills_normalise

router = Router(tags=["helpboard"])


# --- schemas -------------------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int
    display_name: str


class CapacityOut(Schema):
    status: CapacityStatus | None = Field(description="null until the person has said")
    has_capacity: bool = Field(description="'available' and the week it was said in not over")
    stale: bool = Field(description="Said 'available' in a week that is over")
    available_until: datetime | None = Field(description="End of the person's local week")
    skills: list[str]
    suggestions_off: bool = Field(description="No suggestions when a teammate could use a hand")
    updated_at: datetime | None


class CapacityIn(Schema):
    model_config = {"extra": "forbid"}

    status: CapacityStatus
    skills: list[Text] = Field(
        default_factory=list, max_length=100, description="Free tags, at most 15 once normalised"
    )
    suggestions_off: bool = False


class PersonWithCapacityOut(Schema):
    person: PersonRefOut
    title: str
    skills: list[str]
    available_until: datetime
    updated_at: datetime

    @staticmethod
    def resolve_title(obj: Capacity) -> str:
        return obj.person.title

    @staticmethod
    def resolve_skills(obj: Capacity) -> list[str]:
        return [s.name for s in obj.skill_list]  # type: ignore[attr-defined]


class CapacityPeopleQuery(Schema):
    skill: Text = Field("", max_length=SKILL_MAX_LENGTH, description="Only people with this skill")


class SkillOut(Schema):
    name: str


class SkillsQuery(Schema):
    prefix: Text = Field("", max_length=SKILL_MAX_LENGTH, description="Tags starting with this")


class OfferOut(Schema):
    id: int
    request_id: int
    helper: PersonRefOut
    message: str
    state: OfferState
    created_at: datetime
    accepted_at: datetime | None


class HelpRequestOut(Schema):
    id: int
    title: str
    description: str
    skills: list[str]
    effort: Effort
    needed_by: date
    audience: Audience
    team_id: int | None
    state: RequestState
    requester: PersonRefOut
    created_at: datetime
    done_at: datetime | None
    closed_at: datetime | None
    closed_automatically: bool
    matches_me: bool = Field(description="It needs a skill the caller has")

    @staticmethod
    def resolve_skills(obj: HelpRequest) -> list[str]:
        return [s.name for s in obj.skill_list]  # type: ignore[attr-defined]

    @staticmethod
    def resolve_matches_me(obj: HelpRequest) -> bool:
        return bool(getattr(obj, "matches_me", False))


class HelpRequestDetailOut(HelpRequestOut):
    offers: list[OfferOut] = Field(
        description="Every offer for the requester; only the caller's own for anyone else"
    )
    source_post_id: int | None = Field(
        description="The feed challenge it was asked from; null unless the caller may read it"
    )

    @staticmethod
    def resolve_offers(obj: HelpRequest) -> list[Offer]:
        return obj.offers_visible  # type: ignore[attr-defined]

    @staticmethod
    def resolve_source_post_id(obj: HelpRequest) -> int | None:
        post = obj.source_post_visible  # type: ignore[attr-defined]
        return post.pk if post is not None else None


class HelpRequestListQuery(Schema):
    mine: bool = Field(False, description="Requests I asked or offered on, in every state")
    skill: Text = Field("", max_length=SKILL_MAX_LENGTH, description="Open requests needing it")


class HelpRequestIn(Schema):
    model_config = {"extra": "forbid"}

    title: Text = Field(max_length=TITLE_MAX_LENGTH)
    description: Text = Field("", max_length=DESCRIPTION_MAX_LENGTH)
    skills: list[Text] = Field(default_factory=list, max_length=100, description="At most 5")
    effort: Effort
    needed_by: date = Field(description="Today or later, in the requester's time zone")
    audience: Audience = Audience.ORGANIZATION
    team_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="For audience 'team' when you are in several teams"
    )
    from_post: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="A challenge of mine in the feed this request comes from: they link to "
        "each other",
    )


class OfferIn(Schema):
    model_config = {"extra": "forbid"}

    message: Text = Field("", max_length=OFFER_MAX_LENGTH)


def _capacity_out(capacity: Capacity) -> dict[str, Any]:
    return {
        "status": capacity.status if capacity.pk else None,
        "has_capacity": capacity.has_room(),
        "stale": capacity.is_stale(),
        "available_until": capacity.available_until,
        "skills": [s.name for s in capacity.skill_list],  # type: ignore[attr-defined]
        "suggestions_off": capacity.suggestions_off,
        "updated_at": capacity.updated_at if capacity.pk else None,
    }


def _detail(request: HttpRequest, help_request: HelpRequest) -> HelpRequest:
    person = viewer(request)
    help_request = selectors.get_help_request_for(person, help_request.pk)
    help_request.offers_visible = list(  # type: ignore[attr-defined]
        selectors.request_offers(viewer=person, request=help_request)
    )
    help_request.source_post_visible = selectors.source_post_seen_by(  # type: ignore[attr-defined]
        viewer=person, request=help_request
    )
    return help_request


# --- capacity ------------------------------------------------------------------------------


@router.get(
    "/helpboard/capacity",
    response=CapacityOut,
    operation_id="helpboard_capacity_read",
    url_name="helpboard_capacity",
    summary="How my week looks: my capacity signal and skills",
)
def capacity_read(request: HttpRequest) -> dict[str, Any]:
    return _capacity_out(selectors.capacity_for(person=viewer(request)))


@router.put(
    "/helpboard/capacity",
    response=CapacityOut,
    operation_id="helpboard_capacity_update",
    url_name="helpboard_capacity",
    summary="Say how my week looks; 'available' lasts until the end of my local week",
)
def capacity_update(request: HttpRequest, payload: CapacityIn) -> dict[str, Any]:
    person = viewer(request)
    services.capacity_update(
        person=person,
        status=payload.status,
        skills=list(payload.skills),
        suggestions_off=payload.suggestions_off,
    )
    return _capacity_out(selectors.capacity_for(person=person))


@router.get(
    "/helpboard/capacity/people",
    response=list[PersonWithCapacityOut],
    operation_id="helpboard_people_with_capacity_list",
    url_name="helpboard_people_with_capacity",
    summary="Colleagues who have capacity this week, most recent first",
)
@paginate(PageNumber)
def people_with_capacity_list(request: HttpRequest, filters: Query[CapacityPeopleQuery]) -> Any:
    skill = next(iter(skills_normalise(filters.skill, limit=1, field="skill")), "")
    return selectors.people_with_capacity(viewer=viewer(request), skill=skill)


@router.get(
    "/helpboard/skills",
    response=list[SkillOut],
    operation_id="helpboard_skills_list",
    url_name="helpboard_skills",
    summary="Skill tags colleagues already use, alphabetically",
)
@paginate(PageNumber)
def skills_list(request: HttpRequest, filters: Query[SkillsQuery]) -> Any:
    skills = Skill.objects.visible_to(viewer(request))
    prefix = filters.prefix.strip().lower()
    if prefix:
        skills = skills.filter(name__startswith=prefix)
    return skills.order_by("name")


# --- requests ------------------------------------------------------------------------------


@router.get(
    "/helpboard/requests",
    response=list[HelpRequestOut],
    operation_id="help_requests_list",
    url_name="help_requests",
    summary="Open requests I could help with (matching ones first when I have capacity)",
)
@paginate(PageNumber)
def help_requests_list(request: HttpRequest, filters: Query[HelpRequestListQuery]) -> Any:
    person = viewer(request)
    if filters.mine:
        return selectors.my_requests(viewer=person)
    skill = next(iter(skills_normalise(filters.skill, limit=1, field="skill")), "")
    return selectors.board_requests(viewer=person, skill=skill)


@router.post(
    "/helpboard/requests",
    response={201: HelpRequestDetailOut},
    operation_id="help_requests_create",
    url_name="help_requests",
    summary="Ask for a hand",
)
def help_requests_create(request: HttpRequest, payload: HelpRequestIn) -> Status[HelpRequest]:
    person = viewer(request)
    team = get_team_for(person, payload.team_id) if payload.team_id is not None else None
    # A post the caller can't read is 404, like any id; one they can read but may not ask
    # from (someone else's, or a win) is refused by the service with a sentence.
    source_post = get_post_for(person, payload.from_post) if payload.from_post else None
    created = services.help_request_create(
        requester=person,
        title=payload.title,
        description=payload.description,
        skills=list(payload.skills),
        effort=payload.effort,
        needed_by=payload.needed_by,
        audience=payload.audience,
        team=team,
        source_post=source_post,
    )
    return Status(201, _detail(request, created))


@router.get(
    "/helpboard/requests/{help_request_id}",
    response=HelpRequestDetailOut,
    operation_id="help_request_read",
    url_name="help_request",
    summary="One request, with the offers I may read",
)
def help_request_read(
    request: HttpRequest, help_request_id: int = Path(..., ge=1, le=MAX_ID)
) -> HelpRequest:
    found = selectors.get_help_request_for(viewer(request), help_request_id)
    return _detail(request, found)


@router.post(
    "/helpboard/requests/{help_request_id}/close",
    response=HelpRequestDetailOut,
    operation_id="help_request_close",
    url_name="help_request_close",
    summary="Close my request: I no longer need a hand",
)
def help_request_close(
    request: HttpRequest, help_request_id: int = Path(..., ge=1, le=MAX_ID)
) -> HelpRequest:
    person = viewer(request)
    found = selectors.get_help_request_for(person, help_request_id)
    services.help_request_close(request=found, by=person)
    return _detail(request, found)


@router.post(
    "/helpboard/requests/{help_request_id}/done",
    response=HelpRequestDetailOut,
    operation_id="help_request_done",
    url_name="help_request_done",
    summary="Mark my request done: each accepted helper is recorded as having helped me",
)
def help_request_done(
    request: HttpRequest, help_request_id: int = Path(..., ge=1, le=MAX_ID)
) -> HelpRequest:
    person = viewer(request)
    found = selectors.get_help_request_for(person, help_request_id)
    services.help_request_done(request=found, by=person)
    return _detail(request, found)


# --- offers --------------------------------------------------------------------------------


@router.post(
    "/helpboard/requests/{help_request_id}/offers",
    response={201: OfferOut},
    operation_id="help_offers_create",
    url_name="help_offers",
    summary="Offer to help with a request",
)
def help_offers_create(
    request: HttpRequest, payload: OfferIn, help_request_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[Offer]:
    person = viewer(request)
    found = selectors.get_help_request_for(person, help_request_id)
    offer = services.offer_create(request=found, helper=person, message=payload.message)
    return Status(201, offer)


@router.post(
    "/helpboard/offers/{help_offer_id}/accept",
    response=OfferOut,
    operation_id="help_offer_accept",
    url_name="help_offer_accept",
    summary="Accept an offer on my request (several may be accepted)",
)
def help_offer_accept(
    request: HttpRequest, help_offer_id: int = Path(..., ge=1, le=MAX_ID)
) -> Offer:
    person = viewer(request)
    offer = selectors.get_offer_for(person, help_offer_id)
    return services.offer_accept(offer=offer, by=person)
