"""Every API error is JSON with a stable machine-readable code.

    {"detail": "A sentence for people.", "code": "not_found"}

Validation errors (422, code "invalid") add "errors": one entry per problem, naming the
field, where it came from (body, query or path) and its own code. Django exceptions that
services raise (Http404, PermissionDenied, ValidationError) get the same treatment, so an
endpoint can let them propagate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")

E = TypeVar("E", bound=Exception)

#: Body parameters are always called `payload`, so error locations can leave the name out.
BODY_PARAM = "payload"

CODES_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid",
    429: "throttled",
}


class ApiError(Exception):
    """An error with its own status and code; raise it (or a subclass) from an endpoint."""

    status = 400
    code = "bad_request"
    detail = "The request is not valid."

    def __init__(
        self, detail: str | None = None, *, code: str | None = None, status: int | None = None
    ) -> None:
        self.detail = detail or self.detail
        self.code = code or self.code
        self.status = status or self.status
        super().__init__(self.detail)


class NotAuthenticated(ApiError):
    status = 401
    code = "not_authenticated"
    detail = "Sign in, or send a personal access token as 'Authorization: Bearer <token>'."


class NoOrganization(ApiError):
    status = 403
    code = "no_organization"
    detail = "You are signed in but not part of an organisation on this Rapport."


class CsrfFailed(ApiError):
    status = 403
    code = "csrf_failed"
    detail = (
        "Requests signed in by session cookie must carry the CSRF token in the "
        "X-CSRFToken header; scripts should use a personal access token instead."
    )


def error_response(
    status: int, detail: str, code: str, errors: list[dict[str, Any]] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _pydantic_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for error in errors:
        source, *path = [str(part) for part in error.get("loc", ())] or ["request"]
        if source == "body" and path[:1] == [BODY_PARAM]:
            path = path[1:]
        message = str(error.get("msg", "This value is not valid."))
        if source == "body" and not path:  # no body, or not a JSON object
            message = "The request body must be a JSON object."
        result.append(
            {
                "field": ".".join(path) or None,
                "in": source,
                "message": message.removeprefix("Value error, "),
                "code": error.get("type", "invalid"),
            }
        )
    return result


def _django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    result = []
    fields = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
    for field, errors in fields.items():
        for error in errors:
            for message in error.messages:
                result.append(
                    {
                        "field": None if field == NON_FIELD_ERRORS else field,
                        "in": "body",
                        "message": message,
                        "code": error.code or "invalid",
                    }
                )
    return result


def install(api: NinjaAPI) -> None:
    """Replace ninja's default error responses with Rapport's shape."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(exc.status, exc.detail, exc.code)

    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = _pydantic_errors(exc.errors)
        return error_response(422, _summary(errors), "invalid", errors)

    def on_django_validation_error(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        errors = _django_errors(exc)
        return error_response(422, _summary(errors), "invalid", errors)

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(401, NotAuthenticated.detail, NotAuthenticated.code)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = CODES_BY_STATUS.get(exc.status_code, "error")
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = "The request body is not valid JSON."
        return error_response(exc.status_code, detail, code)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "Not found.", "not_found")

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(403, str(exc) or "You may not do this.", "forbidden")

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # What Django does for an uncaught exception (log it, tell error reporters and the
        # test client), with a JSON body instead of the HTML error page.
        logger.error(
            "Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request}
        )
        got_request_exception.send(sender=None, request=request)
        return error_response(500, "Something went wrong on our side.", "server_error")

    def handle(exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
        # Ninja's hint says handlers may also get the class; they are only given instances.
        api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]

    handle(ApiError, on_api_error)
    handle(NinjaValidationError, on_validation_error)
    handle(DjangoValidationError, on_django_validation_error)
    handle(AuthenticationError, on_authentication_error)
    handle(HttpError, on_http_error)
    handle(Http404, on_not_found)
    handle(PermissionDenied, on_permission_denied)
    handle(Exception, on_unexpected)


def _summary(errors: list[dict[str, Any]]) -> str:
    if len(errors) == 1:
        error = errors[0]
        return f"{error['field']}: {error['message']}" if error["field"] else error["message"]
    return f"{len(errors)} problems with the request; see errors."


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Anything under the API's prefix that no operation matches."""
    return error_response(404, "There is no API endpoint at this address.", "not_found")


not_found_view.csrf_exempt = True  # type: ignore[attr-defined]


def json_method_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Ninja answers a method a path doesn't support with a plain-text 405; make it JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(
                405, f"{request.method} is not allowed here; use {allowed}.", "method_not_allowed"
            )
            response["Allow"] = allowed
        return response

    return wrapper
