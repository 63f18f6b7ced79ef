"""The OpenAPI schema is served, valid, and documents the contract's endpoints."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi(api_client):
    """/api/schema/ serves an OpenAPI 3 document that validates."""
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    for path in ["/api/v1/auth/token", "/api/v1/auth/token/refresh", "/api/v1/me"]:
        assert path in schema["paths"], path


def test_swagger_ui_is_served(api_client):
    """/api/docs/ renders the Swagger UI page."""
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_schema_generates_without_warnings(tmp_path):
    """Schema generation raises no warning: no merged components, no colliding operation ids."""
    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    assert out.stat().st_size > 1000


def _operations(api_client):  # type: ignore[no-untyped-def]
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield schema, path, method, operation


def test_every_operation_is_named_described_tagged_and_exemplified(api_client):
    """Each operation has an operationId, a description, one app tag and an example of its answer."""
    apps = {
        "accounts",
        "notifications",
        "cameos",
        "generation",
        "provenance",
        "feed",
        "messaging",
        "moderation",
        "common",
    }
    seen = set()
    for _, path, method, operation in _operations(api_client):
        where = f"{method.upper()} {path}"
        assert operation["operationId"] not in seen, where
        seen.add(operation["operationId"])
        assert operation.get("description"), where
        assert len(operation["tags"]) == 1, where
        assert operation["tags"][0] in apps, where
        examples = [
            media.get("example")
            for response in operation["responses"].values()
            for media in response.get("content", {}).values()
        ]
        assert any(e is not None for e in examples), where
        body = operation.get("requestBody", {}).get("content", {})
        if "application/json" in body:
            assert body["application/json"].get("example") is not None, where


def test_every_operation_documents_the_error_statuses_it_can_answer(api_client):
    """400/401/429/503 everywhere, 404 with an id, 413/415 with a body, 403/409 on writes, all as the Error component."""
    schema = {}
    for schema, path, method, operation in _operations(api_client):  # noqa: B007 - the last one is read below
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        expected = {"400", "401", "429", "503"}
        if "{" in path:
            expected.add("404")
        if "requestBody" in operation:
            expected |= {"413", "415"}
        if method != "get":
            expected |= {"403", "409"}
        assert expected <= set(responses), (where, sorted(expected - set(responses)))
        for status in expected:
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", where
        assert "Retry-After" in responses["429"]["headers"], where
        assert "Retry-After" in responses["503"]["headers"], where
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "details"]


def test_lists_are_documented_as_pages(api_client):
    """Every operation taking a cursor answers a `{results, next}` page whose next is nullable."""
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    pages = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not any(p["name"] == "cursor" for p in operation.get("parameters", [])):
                continue
            ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            page = components[ref.rsplit("/", 1)[-1]]
            assert {"results", "next"} <= set(page["required"]), (method, path)
            assert page["properties"]["results"]["type"] == "array", (method, path)
            assert page["properties"]["next"]["nullable"] is True, (method, path)
            pages += 1
    assert pages >= 13


def test_request_bodies_are_json_or_multipart_only(api_client):
    """A generated client sends JSON, or multipart where a file goes; no form-encoded alternative."""
    for _, path, method, operation in _operations(api_client):
        content = operation.get("requestBody", {}).get("content", {})
        if content:
            assert list(content) in (["application/json"], ["multipart/form-data"]), (
                method,
                path,
                list(content),
            )


def test_created_objects_link_to_their_operations(api_client):
    """POST /generations links its 202 answer's id to the job's GET and DELETE (stateful runs follow it)."""
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    links = schema["paths"]["/api/v1/generations"]["post"]["responses"]["202"]["links"]
    assert links["generation_detail_get"] == {
        "operationId": "generation_detail_get",
        "parameters": {"job_id": "$response.body#/id"},
    }
