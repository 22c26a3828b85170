"""Who is calling the API: a personal access token or the browser's session.

Both resolve to the caller's Person (available as `request.auth`, see `viewer`), so every
endpoint has the same permissions as the pages. A bearer token that is present but wrong is
a 401 even if a session cookie came along: an explicit credential that fails should never
quietly fall back to another. Session requests that change something must carry the CSRF
token, exactly like a form post.

This module also holds the endpoints that manage tokens (/tokens).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from rapport.accounts.models import PersonalAccessToken
from rapport.accounts.tokens import get_token_for, token_authenticate, token_create, token_revoke
from rapport.accounts.tokens import tokens_of as tokens_selector
from rapport.people.models import Person

from .errors import CsrfFailed, NoOrganization, NotAuthenticated
from .pagination import PageNumber
from .schemas import MAX_ID, Text


def _person_of(user: Any) -> Person:
    try:
        return user.person
    except Person.DoesNotExist:
        raise NoOrganization() from None


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer rpt_…` with a personal access token."""

    def authenticate(self, request: HttpRequest, token: str) -> Person:
        access_token = token_authenticate(token.strip())
        if access_token is None:
            raise NotAuthenticated("This token is unknown, expired or revoked.")
        request.user = access_token.user
        person = _person_of(access_token.user)
        request.person = person  # type: ignore[attr-defined]
        return person


class SessionAuth(APIKeyCookie):
    """The signed-in browser session, as for pages (CSRF checked for unsafe methods)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # csrf=True also makes the docs page send the CSRF token with "Try it out".
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Ninja checks CSRF before knowing whether anyone is signed in, which would answer an
        # anonymous POST with "CSRF failed" instead of 401; check it in authenticate instead.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Person | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed()
        person = getattr(request, "person", None)  # set by PersonMiddleware
        return person if person is not None else _person_of(request.user)


AUTH = [BearerTokenAuth(), SessionAuth()]


def viewer(request: HttpRequest) -> Person:
    """The Person calling this endpoint (authentication has already succeeded)."""
    person = getattr(request, "auth", None)
    if not isinstance(person, Person):
        raise NotAuthenticated()
    return person


# --- /tokens -------------------------------------------------------------------------------

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the secret, to recognise it")
    created_at: datetime
    last_used_at: datetime | None = Field(
        description="Precise to about a minute; null if never used"
    )
    expires_at: datetime | None = Field(description="Null if it never expires")
    expired: bool

    @staticmethod
    def resolve_expired(obj: PersonalAccessToken) -> bool:
        return obj.is_expired


class TokenCreateIn(Schema):
    model_config = {"extra": "forbid"}

    name: Text = Field(max_length=80, description="What the token is for")
    expires_in_days: int | None = Field(
        90, ge=1, le=3650, description="Days until it stops working; null for never"
    )


class TokenCreatedOut(Schema):
    token: TokenOut
    secret: str = Field(description="Shown only in this response: store it now")


@router.get(
    "/tokens",
    response=list[TokenOut],
    operation_id="tokens_list",
    url_name="tokens",
    summary="My personal access tokens (not revoked)",
)
@paginate(PageNumber)
def tokens_list(request: HttpRequest) -> Any:
    viewer(request)
    return tokens_selector(user=request.user)  # type: ignore[arg-type]


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    operation_id="tokens_create",
    url_name="tokens",
    summary="Make a token; its secret is in this response and nowhere else",
)
def tokens_create(request: HttpRequest, payload: TokenCreateIn) -> Status[dict[str, Any]]:
    viewer(request)
    expires_at = (
        timezone.now() + timedelta(days=payload.expires_in_days)
        if payload.expires_in_days is not None
        else None
    )
    token, secret = token_create(
        user=request.user,  # type: ignore[arg-type]
        name=payload.name,
        expires_at=expires_at,
    )
    return Status(201, {"token": token, "secret": secret})


@router.delete(
    "/tokens/{token_id}",
    response={204: None},
    operation_id="tokens_revoke",
    url_name="token",
    summary="Revoke a token; it stops working at once",
)
def tokens_revoke(request: HttpRequest, token_id: int = Path(..., ge=1, le=MAX_ID)) -> Status[None]:
    viewer(request)
    token_revoke(token=get_token_for(request.user, token_id))  # type: ignore[arg-type]
    return Status(204, None)
