"""OpenAPI generation tuned to the house style.

Views nest their serializers (`SignupView.InputSerializer`), so the class
name alone repeats across the API and drf-spectacular would merge different
request bodies into one component. Components here are named after the view
that owns them, and operation ids after the view and method.

The schema is what the mobile clients are generated from, so it must say
everything the server does: `postprocess` (a drf-spectacular hook) adds the
`Error` component and every operation's error statuses by the rules of the
API, OpenAPI links from created objects to their operations, and an example
for every body and answer; tags are the apps. `tests/test_schema_conformance.py`
holds the result to the running server. Nothing here may import an app.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from sora_social.common.schema_examples import add_examples


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _view_stem(name: str) -> str:
    """`SignupView` and `SignupAPIView` are both `Signup`."""
    return name.removesuffix("APIView").removesuffix("View")


class AutoSchema(SpectacularAutoSchema):
    def get_serializer_name(self, serializer: Any, direction: Literal["request", "response"]) -> str:
        cls = serializer if isinstance(serializer, type) else type(serializer)
        qualname = cls.__qualname__
        if "." in qualname and "<locals>" not in qualname:
            owner, _, inner = qualname.rpartition(".")
            owner = _view_stem(owner.replace(".", ""))
            return f"{owner}{inner}"
        return super().get_serializer_name(serializer, direction)

    def get_operation_id(self) -> str:
        return f"{_snake(_view_stem(type(self.view).__name__))}_{self.method.lower()}"

    def get_tags(self) -> list[str]:
        """One tag per app, so that a generated client has one module per app."""
        parts = type(self.view).__module__.split(".")
        return [parts[1] if parts[0] == "sora_social" else parts[0]]

    # drf-spectacular's `get_description` takes no arguments; the DRF stubs give the
    # base (ViewInspector) the older (path, method) signature.
    def get_description(self) -> str:  # type: ignore[override]  # matches drf-spectacular, not DRF's stub
        """The docstring (drf-spectacular's choice), else the summary: never empty."""
        return super().get_description() or self.get_summary() or ""


_COMPONENTS: dict[str, type] = {}


def component(name: str, fields: dict[str, Any], **kwargs: Any) -> Any:
    """Like drf-spectacular's `inline_serializer`, but one class per name.

    A helper that builds an inline serializer on every call would make a new
    class each time, and the schema would see several different "Cameo"
    components. This returns instances of one cached class per name.
    """
    cls = _COMPONENTS.get(name)
    if cls is None:
        cls = type(inline_serializer(name, fields))
        _COMPONENTS[name] = cls
    return cls(**kwargs)


def page(name: str, item: Any) -> Any:
    """The page component of a list endpoint: `{"results": [item], "next": cursor | null}`.

    `item` is a component instance (from `component` or a serializer); every
    list of the API answers in this shape (`sora_social.common.pagination`).
    """
    item_cls = type(item)
    return component(
        name,
        {
            "results": item_cls(many=True),
            "next": serializers.CharField(
                allow_null=True, help_text="Pass as ?cursor= for the next page; null on the last page."
            ),
        },
    )


# --- The error responses every operation documents ---------------------------------

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error of the API: a stable code, a message for people, and details.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable, machine-readable (see docs/API.md for the list).",
                    "example": "validation_error",
                },
                "message": {"type": "string", "example": "Some fields are not valid."},
                "details": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Per-field messages for validation errors; context otherwise.",
                },
            },
        }
    },
}

_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}

# A 503 from an unreachable database or Redis carries it; other 503s may not.
_RETRY_AFTER_503 = {"Retry-After": {**_RETRY_AFTER["Retry-After"], "required": False}}

CONVENTIONS = """

Every error answers `{"error": {"code", "message", "details"}}` (the `Error`
component); branch on `code`. Lists are pages: `{"results": [...], "next"}`,
pass `next` back as `?cursor=`. JSON values must have the documented type (a
number where a string is documented is refused, not converted), and no string
may contain a NUL character (U+0000): both answer 400 `validation_error`.
Strings are trimmed of surrounding whitespace before they are checked.
"""


# A character Python's str.strip() keeps. `\S` alone is read as ASCII-only by
# some regex engines, which would let a string of only "\x1f" or "\xa0" pass
# the schema and then be refused as blank; the class names Python's other
# whitespace explicitly, so every reader of the schema agrees with the server.
NOT_BLANK = "[^\\s\\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]"


def _not_blank(schemas: dict[str, Any]) -> None:
    """Request strings that may not be blank must hold a non-space character.

    DRF trims whitespace before it checks a string, so `"\u00a0"` passes a
    `minLength` of 1 but is refused as blank; the pattern says so.
    """
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            continue
        for prop in schema.get("properties", {}).values():
            plain = not ({"pattern", "enum", "format", "$ref"} & set(prop))
            if prop.get("type") == "string" and prop.get("minLength", 0) >= 1 and plain:
                prop["pattern"] = NOT_BLANK


# status: (description, example code, extra response fields)
_ERRORS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "400": (
        "Malformed JSON, invalid fields or query parameters, or a rule of the request broken.",
        "validation_error",
        {},
    ),
    "401": ("No credentials, or an expired or invalid token.", "not_authenticated", {}),
    "403": ("Signed in, but not allowed to do this.", "forbidden", {}),
    "404": ("No such object, or one the caller may not see (ids do not leak).", "not_found", {}),
    "409": ("The object's current state does not allow this.", "conflict", {}),
    "410": ("Expired: start again.", "challenge_expired", {}),
    "413": ("The body (or an uploaded file) is larger than allowed.", "payload_too_large", {}),
    "415": ("A content type (or file type) the operation does not take.", "unsupported_media_type", {}),
    "429": (
        "Too many requests, or a quota is spent; retry after the given seconds.",
        "rate_limited",
        {"headers": _RETRY_AFTER},
    ),
    "503": (
        "A dependency is down: `service_unavailable` (the database or Redis is unreachable; "
        "`Retry-After` and `details.retry_after` say when to try again, `details.dependency` which one), "
        "or the operation's own (safety checks, code issuance); nothing was changed.",
        "service_unavailable",
        {"headers": _RETRY_AFTER_503},
    ),
}

# Statuses beyond the standard ones, by operation id: where a service can
# answer 403, 409, 410 or 503 (grep for Forbidden/Conflict/status= in services).
EXTRA_STATUSES: dict[str, tuple[str, ...]] = {
    "auth_signup": ("503",),  # invite codes could not be issued
    "cameo_recording": ("410",),  # the liveness challenge expired
    "generation_list_create_post": ("503",),  # safety classifiers down (fail closed)
    "threads_post": ("503",),  # the first message's text checks down (fail closed)
    "thread_messages_post": ("503",),  # the text checks down (fail closed)
}


def _error_response(status: str) -> dict[str, Any]:
    description, code, extra = _ERRORS[status]
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {"error": {"code": code, "message": description, "details": {}}},
            }
        },
        **extra,
    }


def error_statuses(method: str, operation: dict[str, Any], path: str) -> list[str]:
    """The error statuses an operation can answer, by the rules of the API."""
    params = operation.get("parameters", [])
    # 503: every operation reads the database, and throttling reads Redis.
    statuses = {"400", "401", "429", "503"}
    if any(p.get("in") == "path" for p in params) or "{" in path:
        statuses.add("404")
    if "requestBody" in operation:
        statuses |= {"413", "415"}
    if method != "get":
        # Writes: permission rules (403), object states (409), and ids in the body (404).
        statuses |= {"403", "404", "409"}
    statuses.update(EXTRA_STATUSES.get(operation.get("operationId", ""), ()))
    return sorted(statuses)


def _after(
    status: str, parameter: str, *targets: str, field: str = "id"
) -> list[tuple[str, str, dict[str, str]]]:
    """Links from an answer with `status` to each target operation, passing the body's `field` as `parameter`."""
    return [(status, target, {parameter: f"$response.body#/{field}"}) for target in targets]


# OpenAPI links: what a client (and the stateful conformance run) may do next
# with the object an operation created. source operation id → (status,
# target operation id, {target parameter: runtime expression}).
LINKS: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    "generation_list_create_post": _after(
        "202", "job_id", "generation_detail_get", "generation_detail_delete"
    ),
    "cameo_create": _after("201", "cameo_id", "cameo_get", "cameo_update", "cameo_delete"),
    "post_create_post": _after(
        "201", "post_id", "post_detail_get", "post_comments_post", "post_like_post", "post_detail_delete"
    ),
    "cameo_request_create": _after(
        "201", "request_id", "cameo_request_approve_post", "cameo_request_deny_post"
    ),
    "threads_post": [
        *_after("201", "thread_id", "thread_detail_get", "thread_messages_get", "thread_messages_post"),
        *_after("200", "thread_id", "thread_detail_get", "thread_messages_get", "thread_messages_post"),
    ],
    "parental_link_start": [
        *_after("201", "link_id", "parental_link_update"),
        *_after("201", "code", "parental_link_accept", field="code"),
    ],
}


def _add_links(operations: dict[str, dict[str, Any]]) -> None:
    for source, links in LINKS.items():
        operation = operations.get(source)
        if operation is None:
            continue
        for status, target, parameters in links:
            if target not in operations:
                continue
            response = operation["responses"].get(status)
            if response is not None:
                response.setdefault("links", {})[target] = {"operationId": target, "parameters": parameters}


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the error component and every operation's error statuses."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    _not_blank(schemas)
    info = result.setdefault("info", {})
    info["description"] = (info.get("description", "") + CONVENTIONS).strip()
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            # The mobile API speaks JSON, and multipart where it takes a file;
            # the form parsers stay for the browsable API only.
            for preferred in ("application/json", "multipart/form-data"):
                if preferred in body:
                    for media_type in [m for m in body if m != preferred]:
                        del body[media_type]
                    break
            responses = operation["responses"]
            for status in error_statuses(method, operation, path):
                responses.setdefault(status, _error_response(status))
            add_examples(operation, schemas)
            for status, response in responses.items():
                if not response.get("description"):
                    response["description"] = _SUCCESS.get(status, "Done.")
    _add_links(
        {
            operation["operationId"]: operation
            for operations in result.get("paths", {}).values()
            for operation in operations.values()
            if isinstance(operation, dict) and "operationId" in operation
        }
    )
    return result


_SUCCESS = {
    "200": "OK.",
    "201": "Created.",
    "202": "Accepted: the work continues in the background.",
    "204": "Done; no body.",
}


def page_parameters() -> list[Any]:
    """The query parameters of every paged list: `cursor` (opaque) and `limit` (1-100)."""
    return [
        OpenApiParameter(
            "cursor",
            OpenApiTypes.STR,
            required=False,
            description="The `next` of the previous page, as it came; a tampered cursor answers 400 invalid_cursor.",
        ),
        OpenApiParameter(
            "limit", OpenApiTypes.INT, required=False, description="Page size, 1-100 (default 20)."
        ),
    ]
