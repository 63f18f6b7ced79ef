"""Every error the API returns has the one shape from the API contract."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return body["error"]


def test_unknown_api_url_is_json_404(api_client):
    """An unknown URL under /api/v1/ answers 404 in the error shape (Django's handler)."""
    assert_error_shape(api_client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_unknown_top_level_url_is_json_404():
    """Django's own 404 outside the API also uses the shape."""
    assert_error_shape(Client().get("/nowhere/at/all"), 404, "not_found")


def test_unauthenticated_is_401(api_client):
    """Endpoints that need a member answer 401 with `not_authenticated`."""
    assert_error_shape(api_client.get("/api/v1/me"), 401, "not_authenticated")


def test_garbage_token_is_401(api_client):
    """A malformed bearer token is refused with simplejwt's precise code."""
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert_error_shape(api_client.get("/api/v1/me"), 401, "token_not_valid")


def test_malformed_json_is_400_and_changes_nothing(auth_client, user):
    """Malformed JSON is a 400 `malformed_request`, and the profile stays as it was."""
    before = user.display_name
    response = auth_client.generic(
        "PATCH", "/api/v1/me", data=b'{"display_name": "x"', content_type="application/json"
    )
    assert_error_shape(response, 400, "malformed_request")
    user.refresh_from_db()
    assert user.display_name == before


def test_validation_error_is_400_with_field_details(auth_client):
    """A field that fails validation is named in `details`."""
    response = auth_client.patch("/api/v1/me", {"display_name": "x" * 65}, format="json")
    error = assert_error_shape(response, 400, "validation_error")
    assert "display_name" in error["details"]


def test_wrong_method_is_405(auth_client):
    """A method the endpoint does not take is a 405 in the shape."""
    assert_error_shape(auth_client.put("/api/v1/me", {}, format="json"), 405, "method_not_allowed")


@override_settings(ROOT_URLCONF="tests.common.urls_boom")
def test_unhandled_exception_in_api_view_is_json_500():
    """An unexpected exception in a view is a 500 in the shape, with no traceback leaked."""
    response = Client(raise_request_exception=False).get("/api/v1/boom")
    error = assert_error_shape(response, 500, "server_error")
    assert "boom" not in error["message"]


@override_settings(ROOT_URLCONF="tests.common.urls_boom")
def test_unhandled_exception_in_plain_view_is_json_500():
    """Django's handler500 also answers in the shape."""
    response = Client(raise_request_exception=False).get("/plain-boom")
    assert_error_shape(response, 500, "server_error")
