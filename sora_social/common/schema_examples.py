"""Examples for the OpenAPI document: one for every request body and success response.

Built from each schema with values that read like the API's (snowflake ids as
strings, ISO dates, a prompt that reads like one), so generated clients and the
docs show real shapes. The values are synthetic: no real member, post or token.
`sora_social.common.schema.postprocess` calls `add_examples` for every operation.
"""

from __future__ import annotations

from typing import Any

_EXAMPLE_ID = "253080654710767616"
_NAMED: dict[str, Any] = {
    "email": "ada@example.test",
    "username": "ada",
    "display_name": "Ada",
    "password": "a long and unusual passphrase",
    "region": "US",
    "invite_code": "8CG4-4ZHZ-9VVN",
    "code": "8CG4-4ZHZ-9VVN",
    "prompt": "paper lanterns drifting over a river at dusk",
    "caption": "lanterns at dusk",
    "text": "love the colours",
    "message": "may I cast you in a short about kites?",
    "rules": "no horror, keep it kind",
    "bio": "I make tiny films about paper things",
    "style": "watercolour",
    "next": "cD0yNTMwODA2NTQ3MTA3Njc2MTY%3D",
    "access": "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiMjUzMDgwNjU0NzEwNzY3NjE2In0.sig",
    "refresh": "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.sig",
    "aspect": "9:16",
    "content_type": "image/png",
    "label": "Remix of @ada",
    "reason": "From @ada, whom you follow",
    "state": "queued",
    "topic": "animation",
    "cameos": _EXAMPLE_ID,
    "audience": _EXAMPLE_ID,
    "remix_of": _EXAMPLE_ID,
}
_NAMED_INT = {"width": 720, "height": 1280, "fps": 24, "duration_s": 10, "seed": 7, "depth": 1}

# Request examples a schema cannot infer: which fields go together.
REQUEST_EXAMPLES: dict[str, dict[str, Any]] = {
    "generation_list_create_post": {"mode": "text", "prompt": _NAMED["prompt"], "aspect": "9:16"},
    "post_create_post": {
        "generation_id": _EXAMPLE_ID,
        "caption": _NAMED["caption"],
        "visibility": "public",
        "allow_remix": True,
    },
}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(
            {**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}}, components
        )
    return schema


def example_for(schema: dict[str, Any], components: dict[str, Any], name: str = "", depth: int = 0) -> Any:
    """A plausible value for `schema` (named `name`), following `$ref`s."""
    schema = _resolve(schema, components)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return next((v for v in schema["enum"] if v not in ("", None)), schema["enum"][0])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        return {
            key: example_for(sub, components, key, depth + 1)
            for key, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [example_for(schema.get("items", {}), components, name, depth + 1)]
    if kind == "integer":
        return _NAMED_INT.get(name, max(int(schema.get("minimum", 1)), 1))
    if kind == "number":
        return 0.5
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2026-11-30T09:00:00Z"
        if fmt == "date":
            return "1990-05-17"
        if fmt == "binary":
            return None
        if name in _NAMED:
            return _NAMED[name]
        if name == "id" or name.endswith("_id"):
            return _EXAMPLE_ID
        if name.endswith("_url"):
            return f"https://media.example.test/generations/{_EXAMPLE_ID}.mp4?signature=…"
        return name.replace("_", " ") or "text"
    return None


def add_examples(operation: dict[str, Any], components: dict[str, Any]) -> None:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None and "example" not in body:
        given = REQUEST_EXAMPLES.get(operation.get("operationId", ""))
        if given is None:
            # The required fields only: optional ones often go with others.
            schema = _resolve(body.get("schema", {}), components)
            full = example_for(schema, components)
            required = set(schema.get("required", []))
            given = {k: v for k, v in full.items() if k in required} if isinstance(full, dict) else full
        body["example"] = given
    for status, response in operation["responses"].items():
        if not status.startswith("2"):
            continue
        for media in response.get("content", {}).values():
            if "example" not in media:
                media["example"] = example_for(media.get("schema", {}), components)
