"""One error family and one JSON error shape for the whole API.

Every error a client sees is `{"error": {"code", "message", "details"}}` with a
4xx/5xx status: our own `ApplicationError`s raised from services, DRF's
exceptions, Django's validation errors, and Django's own 404/500 handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis.exceptions
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, HttpRequest, HttpResponse
from kombu.exceptions import OperationalError as BrokerOperationalError
from rest_framework import exceptions as drf
from rest_framework.response import Response

from sora_social.common.renderers import dumps

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A failure the client caused or must know about; services raise these."""

    status = 400
    code = "bad_request"
    default_message = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details or {}
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    code = "validation_error"
    default_message = "Some fields are not valid."


class NotFound(ApplicationError):
    """Also used for objects the caller may not see, so ids do not leak."""

    status = 404
    code = "not_found"
    default_message = "Not found."


class Forbidden(ApplicationError):
    status = 403
    code = "forbidden"
    default_message = "You may not do this."


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
    default_message = "This conflicts with the current state."


class RateLimited(ApplicationError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests; try again later."

    def __init__(self, message: str | None = None, *, retry_after: int, **kwargs: Any) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message, **kwargs)
        self.details.setdefault("retry_after", self.retry_after)


# Seconds a client is told to wait when a dependency is unreachable: about the
# time a restarted Redis or PostgreSQL takes to accept connections again.
DEPENDENCY_RETRY_AFTER_S = 5

# Connection failures of a dependency, by the name /readyz gives it. Only
# "cannot reach it" errors: a query that is wrong stays a 500.
_DEPENDENCY_ERRORS: tuple[tuple[type[BaseException], str], ...] = (
    (redis.exceptions.ConnectionError, "redis"),
    (redis.exceptions.TimeoutError, "redis"),
    (BrokerOperationalError, "redis"),
    (DatabaseOperationalError, "database"),
    (DatabaseInterfaceError, "database"),
)


def unavailable_dependency(exc: BaseException) -> str | None:
    """`redis` or `database` when `exc` (or what caused it) says that dependency cannot be reached."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for cls, name in _DEPENDENCY_ERRORS:
            if isinstance(current, cls):
                return name
        current = current.__cause__ or current.__context__
    return None


def service_unavailable_body(dependency: str) -> dict[str, Any]:
    return error_body(
        "service_unavailable",
        f"A service this request needs ({dependency}) is unreachable; try again shortly.",
        {"dependency": dependency, "retry_after": DEPENDENCY_RETRY_AFTER_S},
    )


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


_DRF_CODES: dict[type[drf.APIException], str] = {
    drf.ParseError: "malformed_request",
    drf.NotAuthenticated: "not_authenticated",
    drf.AuthenticationFailed: "authentication_failed",
    drf.PermissionDenied: "forbidden",
    drf.NotFound: "not_found",
    drf.MethodNotAllowed: "method_not_allowed",
    drf.NotAcceptable: "not_acceptable",
    drf.UnsupportedMediaType: "unsupported_media_type",
    drf.Throttled: "rate_limited",
    drf.ValidationError: "validation_error",
}


def _drf_code(exc: drf.APIException) -> str:
    for cls in type(exc).__mro__:
        if cls in _DRF_CODES:
            code = _DRF_CODES[cls]
            break
    else:
        code = exc.default_code if isinstance(exc.default_code, str) else "error"
    # simplejwt's InvalidToken carries a precise code ("token_not_valid").
    if isinstance(exc.detail, dict) and isinstance(exc.detail.get("code"), str):
        code = str(exc.detail["code"])
    return code


def _drf_message(exc: drf.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, dict) and "detail" in detail:
        return str(detail["detail"])
    if isinstance(exc, drf.ValidationError):
        return "Some fields are not valid."
    if isinstance(detail, list) and detail:
        return str(detail[0])
    return str(detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every known failure becomes the one error shape."""
    headers: dict[str, str] = {}
    if isinstance(exc, ApplicationError):
        if isinstance(exc, RateLimited):
            headers["Retry-After"] = str(exc.retry_after)
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status, headers=headers)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", "Not found."), status=404)
    dependency = unavailable_dependency(exc)
    if dependency is not None:
        logger.warning(
            "503 service_unavailable: %s unreachable (%s: %s)", dependency, type(exc).__name__, exc
        )
        return Response(
            service_unavailable_body(dependency),
            status=503,
            headers={"Retry-After": str(DEPENDENCY_RETRY_AFTER_S)},
        )
    if isinstance(exc, DjangoPermissionDenied):
        return Response(error_body("forbidden", "You may not do this."), status=403)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(error_body("validation_error", "Some fields are not valid.", fields), status=400)
    if isinstance(exc, drf.APIException):
        details: dict[str, Any] = {}
        if isinstance(exc, drf.ValidationError):
            details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        # `Throttled.wait` is set in its __init__ (seconds, or None); the stubs omit it.
        wait: float | None = getattr(exc, "wait", None) if isinstance(exc, drf.Throttled) else None
        if wait is not None:
            retry_after = max(1, int(wait + 0.999))
            headers["Retry-After"] = str(retry_after)
            details = {"retry_after": retry_after}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]  # set on 401s only; checked above
        return Response(
            error_body(_drf_code(exc), _drf_message(exc), details), status=exc.status_code, headers=headers
        )
    return None


def _json(status: int, code: str, message: str) -> HttpResponse:
    return HttpResponse(dumps(error_body(code, message)), status=status, content_type="application/json")


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _json(400, "bad_request", "The request could not be understood.")


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _json(403, "forbidden", "You may not do this.")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _json(404, "not_found", "Not found.")


class DependencyDownMiddleware:
    """Outside DRF (admin, media, health): an unreachable Redis or database is a 503 with Retry-After.

    DRF views get the same answer from `api_exception_handler`. Either way the
    request changed nothing: the failure came before its transaction committed
    (or the transaction itself failed), and writes are atomic.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        dependency = unavailable_dependency(exception)
        if dependency is None:
            return None
        logger.warning("503 service_unavailable: %s unreachable (%s)", dependency, type(exception).__name__)
        response = HttpResponse(
            dumps(service_unavailable_body(dependency)), status=503, content_type="application/json"
        )
        response["Retry-After"] = str(DEPENDENCY_RETRY_AFTER_S)
        return response


def handler500(request: HttpRequest) -> HttpResponse:
    return _json(500, "server_error", "Something went wrong on our side; it has been logged.")
