"""API views hand Django a response already rendered in the view's thread: a plain `HttpResponse`
with DRF's bytes, status and headers, so Django's ASGI handler has nothing left to render (which
would cost every API request one more trip to a worker thread)."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from asgiref import sync
from channels.testing import HttpCommunicator
from django.http import HttpResponse
from rest_framework.response import Response

from tests.accounts.factories import UserFactory
from tests.conftest import bearer
from tests.feed.factories import publish

pytestmark = pytest.mark.django_db


def test_a_json_response_is_plain_and_rendered(client_for):
    user = UserFactory()
    response = client_for(user).get("/api/v1/me")
    assert type(response) is HttpResponse
    assert not isinstance(response, Response)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert orjson.loads(response.content)["username"] == user.username
    assert response.data["username"] == user.username


def test_errors_and_empty_bodies_keep_drf_headers(api_client, client_for):
    error = api_client.get("/api/v1/me")
    assert type(error) is HttpResponse
    assert error.status_code == 401
    assert error.json()["error"]["code"] == "not_authenticated"
    assert error["WWW-Authenticate"].startswith("Bearer")
    author = UserFactory()
    post = publish(author)
    gone = client_for(author).delete(f"/api/v1/posts/{post.id}")
    assert gone.status_code == 204
    assert gone.content == b""
    assert "Content-Type" not in gone


@pytest.mark.django_db(transaction=True)
def test_through_asgi_the_view_is_the_last_trip_to_a_thread(monkeypatch):
    """No `render` trip after the view: the API request makes as many thread trips as /healthz."""
    from sora_social.asgi import application

    trips: list[str] = []
    real = sync.SyncToAsync.__init__

    def counting(self, func, *args, **kwargs):
        trips.append(getattr(func, "__qualname__", repr(func)))
        real(self, func, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__init__", counting)
    headers = [(b"authorization", f"Bearer {bearer(UserFactory())}".encode())]

    def get(path: str) -> int:
        return asyncio.run(HttpCommunicator(application, "GET", path, headers=headers).get_response())[
            "status"
        ]

    assert get("/healthz") == 200
    healthz, trips[:] = list(trips), []
    assert get("/api/v1/me") == 200
    assert not any("render" in t for t in trips), trips
    assert len(trips) == len(healthz), "\n".join(trips) + "\n--\n" + "\n".join(healthz)
