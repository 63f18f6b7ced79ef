"""JSON bodies and list parameters are taken at their word: what the schema forbids is a 400."""

from __future__ import annotations

import pytest

from tests.common.test_errors import assert_error_shape

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("patch", "/api/v1/me", {"bio": 0}, "bio"),
        ("patch", "/api/v1/me", {"display_name": 5}, "display_name"),
        ("put", "/api/v1/feed/preferences", {"text": 12}, "text"),
        ("post", "/api/v1/generations", {"mode": "text", "prompt": "a kite", "seed": "7"}, "seed"),
        (
            "post",
            "/api/v1/generations",
            {"mode": "text", "prompt": "a kite", "duration_s": "10"},
            "duration_s",
        ),
        ("post", "/api/v1/posts", {"generation_id": "1", "allow_remix": "yes"}, "allow_remix"),
    ],
)
def test_a_json_value_of_the_wrong_type_is_refused(auth_client, user, method, url, body, field):
    """A number for a string, a string for a number or a boolean: 400 naming the field, nothing changed."""
    bio = user.bio
    response = getattr(auth_client, method)(url, body, format="json")
    error = assert_error_shape(response, 400, "validation_error")
    assert field in error["details"]
    user.refresh_from_db()
    assert user.bio == bio


def test_form_bodies_still_take_strings(auth_client, user):
    """Form values are always strings; they are parsed as before."""
    response = auth_client.patch("/api/v1/me", {"bio": "kites"}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["bio"] == "kites"


def test_a_json_string_for_a_string_field_is_taken(auth_client):
    """The strictness refuses wrong types only."""
    response = auth_client.put("/api/v1/feed/preferences", {"text": "more animation"}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("url", ["/api/v1/me/strikes", "/api/v1/cameos", "/api/v1/generations"])
def test_a_cursor_the_server_did_not_make_is_400(auth_client, url):
    """A tampered cursor (here `o=x`, base64) on a paged list answers 400 invalid_cursor, not 404."""
    assert_error_shape(auth_client.get(url, {"cursor": "bz14"}), 400, "invalid_cursor")


@pytest.mark.parametrize("limit", ["null", ""])
@pytest.mark.parametrize("url", ["/api/v1/me/strikes", "/api/v1/me/cameo-notifications", "/api/v1/feed"])
def test_a_limit_that_is_not_a_number_is_400(auth_client, url, limit):
    """?limit=null or an empty ?limit= is refused with invalid_limit instead of silently paging by 20."""
    assert_error_shape(auth_client.get(url, {"limit": limit}), 400, "invalid_limit")


@pytest.mark.parametrize("region", ["ÄÖ", "1A", " US", "u"])
def test_region_is_two_ascii_letters(api_client, region):
    """The waitlist takes the pattern the schema publishes: two ASCII letters, nothing else."""
    from sora_social.accounts.models import WaitlistEntry

    response = api_client.post(
        "/api/v1/waitlist", {"email": "kite@example.test", "region": region}, format="json"
    )
    error = assert_error_shape(response, 400, "validation_error")
    assert "region" in error["details"]
    assert not WaitlistEntry.objects.exists()


@pytest.mark.parametrize("value", ["2", "yes", "1", ""])
def test_a_boolean_query_parameter_takes_only_true_or_false(auth_client, value):
    """?usable= is a boolean in the schema; anything but true/false is a 400, not a silent false."""
    assert_error_shape(auth_client.get("/api/v1/cameos", {"usable": value}), 400, "invalid_usable")


def test_nul_in_a_string_is_refused(auth_client):
    """The schema's conventions say no string holds U+0000; the server refuses it with 400."""
    response = auth_client.put("/api/v1/feed/preferences", {"text": "kites\u0000"}, format="json")
    error = assert_error_shape(response, 400, "validation_error")
    assert "text" in error["details"]
