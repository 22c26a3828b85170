"""The kudos API: give thanks, read the feeds and one kudos, react and reply; the
organisation's values and daily limit; unsung teammates; traded thanks for org admins."""

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from rapport.api.auth import viewer
from rapport.api.errors import ApiError
from rapport.api.pagination import PageNumber
from rapport.api.schemas import MAX_ID, Text
from rapport.audit.services import client_ip
from rapport.people.access import get_team_for
from rapport.people.models import Person

from . import selectors, services
from .models import (
    DAILY_LIMIT_MAX,
    MAX_RECEIVERS,
    MESSAGE_MAX_LENGTH,
    VALUE_NAME_MAX_LENGTH,
    Audience,
    Kudos,
    KudosReply,
    KudosValue,
    Reaction,
    TradingFlag,
)

router = Router(tags=["kudos"])


class NotOrgAdmin(ApiError):
    status = 403
    code = "forbidden"
    detail = "Only org admins can do this."


def _admin(request: HttpRequest) -> Person:
    me = viewer(request)
    if not me.is_org_admin:
        raise NotOrgAdmin()
    return me


# --- schemas -------------------------------------------------------------------------------


class PersonRefOut(Schema):
    id: int
    display_name: str


class ValueOut(Schema):
    id: int
    name: str
    retired: bool

    @staticmethod
    def resolve_retired(obj: KudosValue) -> bool:
        return obj.is_retired


class ReactionCountOut(Schema):
    kind: str
    emoji: str
    count: int
    mine: bool = Field(description="Whether I gave this reaction")


class KudosOut(Schema):
    id: int
    giver: PersonRefOut
    receivers: list[PersonRefOut]
    message: str = Field(description="Empty once its writer's data was erased")
    value: ValueOut | None
    audience: Audience
    created_at: datetime
    reactions: list[ReactionCountOut]
    reply_count: int

    @staticmethod
    def resolve_receivers(obj: Kudos) -> list[Person]:
        return selectors.kudos_receivers(obj)

    @staticmethod
    def resolve_reactions(obj: Kudos, context: Any) -> list[dict[str, Any]]:
        me = viewer(context["request"])
        return [
            {"kind": r.kind, "emoji": r.emoji, "count": r.count, "mine": r.mine}
            for r in selectors.reaction_summary(obj, viewer=me)
        ]


class KudosCreateIn(Schema):
    model_config = {"extra": "forbid"}

    receivers: list[int] = Field(
        ...,
        min_length=1,
        max_length=MAX_RECEIVERS,
        description=f"Person ids of the people to thank, 1 to {MAX_RECEIVERS}",
    )
    message: Text = Field(..., max_length=MESSAGE_MAX_LENGTH * 2)
    value_id: int | None = Field(None, ge=1, le=MAX_ID, description="One of the active values")
    audience: Audience = Field(
        Audience.TEAM,
        description="private (only them), team (their teams) or organization (everyone)",
    )


class MineQuery(Schema):
    show: Literal["all", "received", "given"] = "all"


class ReactIn(Schema):
    model_config = {"extra": "forbid"}

    kind: Reaction = Field(..., description="One of: " + ", ".join(Reaction.values))


class ReactOut(Schema):
    kind: str
    on: bool = Field(description="True if the reaction is now on, False if it was taken back")
    reactions: list[ReactionCountOut]


class ReplyIn(Schema):
    model_config = {"extra": "forbid"}

    message: Text = Field(..., max_length=MESSAGE_MAX_LENGTH * 2)


class ReplyOut(Schema):
    id: int
    author: PersonRefOut
    message: str
    created_at: datetime


class ValuesQuery(Schema):
    include_retired: bool = Field(False, description="Retired values too (org admins only)")


class ValueCreateIn(Schema):
    model_config = {"extra": "forbid"}

    name: Text = Field(..., max_length=VALUE_NAME_MAX_LENGTH * 2)


class ValueUpdateIn(Schema):
    """Only the fields sent change."""

    model_config = {"extra": "forbid"}

    name: Text | None = Field(None, max_length=VALUE_NAME_MAX_LENGTH * 2)
    retired: bool | None = None


class SettingsOut(Schema):
    daily_limit: int | None = Field(description="Thank-yous per person per day; null: no limit")


class SettingsIn(Schema):
    model_config = {"extra": "forbid"}

    daily_limit: int | None = Field(..., ge=1, le=DAILY_LIMIT_MAX)


class UnsungOut(Schema):
    id: int
    display_name: str
    reasons: list[str] = Field(description="Generic reasons, never who or what")

    @staticmethod
    def resolve_reasons(obj: Person) -> list[str]:
        return selectors.unsung_reasons(obj)


class FlagOut(Schema):
    id: int
    person_a: PersonRefOut
    person_b: PersonRefOut
    exchanges: int
    first_exchange_at: datetime
    last_exchange_at: datetime
    flagged_at: datetime
    reviewed_at: datetime | None


class ReviewQuery(Schema):
    include_reviewed: bool = False


# --- kudos ---------------------------------------------------------------------------------


@router.post(
    "/kudos",
    response={201: KudosOut},
    operation_id="kudos_create",
    url_name="kudos",
    summary="Thank one or more colleagues",
)
def kudos_create(request: HttpRequest, payload: KudosCreateIn) -> Status[Kudos]:
    me = viewer(request)
    receivers = services.receivers_in_organization(viewer=me, ids=payload.receivers)
    value = None
    if payload.value_id is not None:
        value = (
            KudosValue.objects.in_organization(me.organization).filter(pk=payload.value_id).first()
        )
        if value is None:
            raise ValidationError({"value": "Choose one of your organisation's values."})
    kudos = services.kudos_give(
        giver=me,
        receivers=receivers,
        message=payload.message,
        value=value,
        audience=payload.audience,
    )
    return Status(201, selectors.get_kudos_for(me, kudos.pk))


@router.get(
    "/kudos/org",
    response=list[KudosOut],
    operation_id="kudos_list_org",
    url_name="kudos_org",
    summary="Thanks shared with the whole organisation, newest first",
)
@paginate(PageNumber)
def kudos_list_org(request: HttpRequest) -> QuerySet[Kudos]:
    return selectors.kudos_feed_org(viewer=viewer(request))


@router.get(
    "/kudos/mine",
    response=list[KudosOut],
    operation_id="kudos_list_mine",
    url_name="kudos_mine",
    summary="Thanks I gave or received (private ones too), newest first",
)
@paginate(PageNumber)
def kudos_list_mine(request: HttpRequest, filters: Query[MineQuery]) -> QuerySet[Kudos]:
    return selectors.kudos_feed_mine(viewer=viewer(request), show=filters.show)


@router.get(
    "/kudos/teams/{team_id}",
    response=list[KudosOut],
    operation_id="kudos_list_team",
    url_name="kudos_team",
    summary="Public thanks to people in a team, newest first",
)
@paginate(PageNumber)
def kudos_list_team(
    request: HttpRequest, team_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[Kudos]:
    me = viewer(request)
    team = get_team_for(me, team_id)
    return selectors.kudos_feed_team(viewer=me, teams=[team])


# --- values and settings -------------------------------------------------------------------


@router.get(
    "/kudos/values",
    response=list[ValueOut],
    operation_id="kudos_values_list",
    url_name="kudos_values",
    summary="My organisation's values, to tie thanks to",
)
@paginate(PageNumber)
def kudos_values_list(request: HttpRequest, filters: Query[ValuesQuery]) -> QuerySet[KudosValue]:
    me = viewer(request)
    return selectors.kudos_values(
        viewer=me, include_retired=filters.include_retired and me.is_org_admin
    )


@router.post(
    "/kudos/values",
    response={201: ValueOut},
    operation_id="kudos_value_create",
    url_name="kudos_values",
    summary="Add a value (org admins)",
)
def kudos_value_create(request: HttpRequest, payload: ValueCreateIn) -> Status[KudosValue]:
    me = _admin(request)
    value = services.kudos_value_create(actor=me, name=payload.name, ip=client_ip(request))
    return Status(201, value)


@router.patch(
    "/kudos/values/{value_id}",
    response=ValueOut,
    operation_id="kudos_value_update",
    url_name="kudos_value",
    summary="Rename, retire or bring back a value (org admins)",
)
def kudos_value_update(
    request: HttpRequest, payload: ValueUpdateIn, value_id: int = Path(..., ge=1, le=MAX_ID)
) -> KudosValue:
    me = viewer(request)
    value = selectors.get_value_for(me, value_id)
    if not me.is_org_admin:
        raise NotOrgAdmin()
    ip = client_ip(request)
    if payload.name is not None:
        value = services.kudos_value_rename(actor=me, value=value, name=payload.name, ip=ip)
    if payload.retired is not None:
        value = services.kudos_value_set_retired(
            actor=me, value=value, retired=payload.retired, ip=ip
        )
    return value


@router.get(
    "/kudos/settings",
    response=SettingsOut,
    operation_id="kudos_settings_read",
    url_name="kudos_settings",
    summary="My organisation's kudos settings",
)
def kudos_settings_read(request: HttpRequest) -> Any:
    return services.settings_for(organization=viewer(request).organization)


@router.put(
    "/kudos/settings",
    response=SettingsOut,
    operation_id="kudos_settings_update",
    url_name="kudos_settings",
    summary="Change the daily limit of thank-yous per person (org admins)",
)
def kudos_settings_update(request: HttpRequest, payload: SettingsIn) -> Any:
    me = _admin(request)
    return services.kudos_settings_update(
        actor=me, daily_limit=payload.daily_limit, ip=client_ip(request)
    )


# --- unsung and review ---------------------------------------------------------------------


@router.get(
    "/kudos/unsung",
    response=list[UnsungOut],
    operation_id="kudos_unsung_list",
    url_name="kudos_unsung",
    summary="Teammates who helped lately and haven't been thanked where I can see",
)
@paginate(PageNumber)
def kudos_unsung_list(request: HttpRequest) -> QuerySet[Person]:
    return selectors.unsung_teammates(viewer=viewer(request))


@router.get(
    "/kudos/review",
    response=list[FlagOut],
    operation_id="kudos_review_list",
    url_name="kudos_review",
    summary="Pairs who may be trading thanks (org admins)",
)
@paginate(PageNumber)
def kudos_review_list(request: HttpRequest, filters: Query[ReviewQuery]) -> QuerySet[TradingFlag]:
    me = _admin(request)
    return selectors.trading_flags(viewer=me, include_reviewed=filters.include_reviewed)


@router.post(
    "/kudos/review/{flag_id}/resolve",
    response=FlagOut,
    operation_id="kudos_review_resolve",
    url_name="kudos_review_resolve",
    summary="Mark a flagged pair as looked at (org admins)",
)
def kudos_review_resolve(
    request: HttpRequest, flag_id: int = Path(..., ge=1, le=MAX_ID)
) -> TradingFlag:
    me = viewer(request)
    flag = selectors.get_flag_for(me, flag_id)  # 404 for anyone but this org's admins
    try:
        return services.trading_flag_resolve(actor=me, flag=flag)
    except PermissionDenied as exc:  # pragma: no cover - get_flag_for already refused
        raise NotOrgAdmin() from exc


# --- one kudos (after the fixed paths, so /kudos/values is never read as an id) ------------


@router.get(
    "/kudos/{kudos_id}",
    response=KudosOut,
    operation_id="kudos_read",
    url_name="kudos_detail",
    summary="One thank-you I may see",
)
def kudos_read(request: HttpRequest, kudos_id: int = Path(..., ge=1, le=MAX_ID)) -> Kudos:
    return selectors.get_kudos_for(viewer(request), kudos_id)


@router.post(
    "/kudos/{kudos_id}/reactions",
    response=ReactOut,
    operation_id="kudos_react",
    url_name="kudos_reactions",
    summary="Toggle one of my reactions on a thank-you",
)
def kudos_react(
    request: HttpRequest, payload: ReactIn, kudos_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    me = viewer(request)
    kudos = selectors.get_kudos_for(me, kudos_id)
    on = services.kudos_react(kudos=kudos, person=me, kind=payload.kind)
    kudos = selectors.get_kudos_for(me, kudos_id)
    return {
        "kind": payload.kind,
        "on": on,
        "reactions": [
            {"kind": r.kind, "emoji": r.emoji, "count": r.count, "mine": r.mine}
            for r in selectors.reaction_summary(kudos, viewer=me)
        ],
    }


@router.get(
    "/kudos/{kudos_id}/replies",
    response=list[ReplyOut],
    operation_id="kudos_replies_list",
    url_name="kudos_replies",
    summary="Replies to a thank-you, oldest first",
)
@paginate(PageNumber)
def kudos_replies_list(
    request: HttpRequest, kudos_id: int = Path(..., ge=1, le=MAX_ID)
) -> QuerySet[KudosReply]:
    kudos = selectors.get_kudos_for(viewer(request), kudos_id)
    return selectors.kudos_replies(kudos=kudos)


@router.post(
    "/kudos/{kudos_id}/replies",
    response={201: ReplyOut},
    operation_id="kudos_reply",
    url_name="kudos_replies",
    summary="Reply to a thank-you",
)
def kudos_reply(
    request: HttpRequest, payload: ReplyIn, kudos_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[KudosReply]:
    me = viewer(request)
    kudos = selectors.get_kudos_for(me, kudos_id)
    return Status(201, services.kudos_reply(kudos=kudos, author=me, message=payload.message))
