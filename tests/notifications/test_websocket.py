"""A notification arrives on its member's open socket once the like that made it commits."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from feed import services as feed_services
from sora_social.asgi import application
from tests.accounts.factories import UserFactory
from tests.conftest import bearer
from tests.feed.factories import publish

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_like_reaches_the_authors_socket():
    """The author's socket gets `{"type": "like", ...}` with the group's count and the unread counter."""
    author = await database_sync_to_async(UserFactory)()
    fan = await database_sync_to_async(UserFactory)()
    post = await database_sync_to_async(publish)(author)
    socket = WebsocketCommunicator(application, f"/ws/?token={bearer(author)}")
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # hello
    await database_sync_to_async(feed_services.like_add)(user=fan, post_id=post.id)
    event = await socket.receive_json_from(timeout=5)
    while event["type"] != "like":  # other events of the publish (none today) may come first
        event = await socket.receive_json_from(timeout=5)
    assert (event["count"], event["unread"], event["actor_id"]) == (1, 1, str(fan.id))
    assert event["target"] == {"type": "post", "id": str(post.id)}
    await socket.disconnect()
