"""One error family and one JSON error shape for the whole API.

Every error a client sees is `{"error": {"code", "message", "details"}}` with a
4xx/5xx status: our own `ApplicationError`s raised from services, DRF's
exceptions, Django's validation errors, and Django's own 404/500 handlers.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
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


def handler500(request: HttpRequest) -> HttpResponse:
    return _json(500, "server_error", "Something went wrong on our side; it has been logged.")
