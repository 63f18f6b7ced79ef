"""Work enqueued on commit runs in the in-process worker and reaches the WebSocket."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from rest_framework.test import APIClient

from sora_social.asgi import application
from sora_social.common.tasks import enqueue_on_commit
from tests.accounts.factories import UserFactory
from tests.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)


async def _socket_for(user):  # type: ignore[no-untyped-def]
    communicator = WebsocketCommunicator(application, f"/ws/?token={bearer(user)}")
    assert (await communicator.connect())[0]
    assert (await communicator.receive_json_from())["type"] == "hello"
    return communicator


async def test_request_returns_first_then_worker_pushes_event(inprocess_worker):
    """POST /diagnostics/echo answers 202 at once; the worker thread sends the echo to the socket."""
    user = await database_sync_to_async(UserFactory)()
    socket = await _socket_for(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")

    response = await sync_to_async(client.post)("/api/v1/diagnostics/echo", {"message": "hi"}, format="json")
    assert response.status_code == 202
    echo_id = response.json()["id"]

    event = await socket.receive_json_from(timeout=10)
    assert event["type"] == "diagnostics.echo"
    assert event["id"] == echo_id
    assert event["message"] == "hi"
    assert event["worker"]
    await socket.disconnect()


async def test_rolled_back_transaction_enqueues_nothing(inprocess_worker):
    """A task enqueued inside a transaction that rolls back never runs."""
    user = await database_sync_to_async(UserFactory)()
    socket = await _socket_for(user)

    def enqueue_then_fail() -> None:
        try:
            with transaction.atomic():
                enqueue_on_commit(
                    "common.echo_to_user", user_id=user.id, echo_id="rolled-back", message="never"
                )
                raise RuntimeError("abort")
        except RuntimeError:
            pass
        enqueue_on_commit("common.echo_to_user", user_id=user.id, echo_id="committed", message="yes")

    await database_sync_to_async(enqueue_then_fail)()
    event = await socket.receive_json_from(timeout=10)
    assert event["id"] == "committed"
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()
