"""API views hand Django a response already rendered in the view's thread: a plain `HttpResponse`
with DRF's bytes, status and headers, so Django's ASGI handler has nothing left to render (which
would cost every API request one more trip to a worker thread)."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from asgiref import sync
from django.http import HttpResponse
from rest_framework.response import Response

from tests.accounts.factories import UserFactory
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

    from rest_framework_simplejwt.tokens import AccessToken

    bearer = f"Bearer {AccessToken.for_user(UserFactory())}".encode()

    async def get(path: str) -> int:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "headers": [(b"host", b"testserver"), (b"authorization", bearer)], "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
        }  # fmt: skip
        sent, asked = [], []

        async def receive():
            asked.append(1)
            if len(asked) == 1:
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()
            return None

        async def send(message):
            sent.append(message)

        await application(scope, receive, send)
        return sent[0]["status"]

    assert asyncio.run(get("/healthz")) == 200
    healthz, trips[:] = list(trips), []
    assert asyncio.run(get("/api/v1/me")) == 200
    assert not any("render" in t for t in trips), trips
    assert len(trips) == len(healthz), "\n".join(trips) + "\n--\n" + "\n".join(healthz)
