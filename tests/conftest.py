"""Shared fixtures: the real embedded PostgreSQL (pytest-django), real Redis when
present, the in-process Celery worker, and signed-in API clients."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.accounts.factories import UserFactory


def _redis_url() -> str | None:
    """Redis for tests: REDIS_URL, else a local server on 6379.

    Tests use database REDIS_TEST_DB (default 15) and flush it, so two checkouts
    testing at once on one Redis should set different numbers.
    """
    import redis

    db = os.environ.get("REDIS_TEST_DB", "15")

    candidates = [os.environ.get("REDIS_URL"), "redis://127.0.0.1:6379/0"]
    for url in filter(None, candidates):
        base = url.rsplit("/", 1)[0] if url.rsplit("/", 1)[-1].isdigit() else url.rstrip("/")
        test_url = f"{base}/{db}"
        try:
            redis.Redis.from_url(test_url, socket_connect_timeout=0.5).ping()
        except Exception:  # noqa: S112 - try the next candidate
            continue
        return test_url
    return None


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real, empty Redis database. Skips without Redis, fails with REQUIRE_REDIS=1."""
    import redis

    url = _redis_url()
    if url is None:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but no Redis answers (set REDIS_URL or run one on 6379)")
        pytest.skip("no Redis available")
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


@pytest.fixture
def no_models(settings: Any) -> Iterator[None]:
    """Only the rule classifiers (blocklist, rights-holder names): fast, no model loads."""
    from moderation.classifiers import loader

    settings.SAFETY_PROMPT_MODEL = "off"
    settings.SAFETY_NSFW_MODEL = "off"
    settings.SAFETY_CLIP_MODEL = None
    loader.reset()
    yield
    loader.reset()


@pytest.fixture
def user(db: Any) -> Any:
    return UserFactory()


def bearer(user: Any) -> str:
    # An access token alone: minting a refresh token records it in the database,
    # which async tests cannot do from their event loop.
    return str(AccessToken.for_user(user))


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Callable[[Any], APIClient]:
    """A function making an API client signed in as the given user (JWT)."""

    def make(user: Any) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(user)}")
        return client

    return make


@pytest.fixture
def auth_client(user: Any, client_for: Callable[[Any], APIClient]) -> APIClient:
    return client_for(user)


@pytest.fixture(scope="session")
def inprocess_worker(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """The embedded default's Celery worker, in threads of the test process.

    Tests that use it need `@pytest.mark.django_db(transaction=True)`: the
    worker threads have their own connections and see only committed rows.
    """
    from sora_social.common.worker import start_inprocess_worker, stop_inprocess_worker

    with django_db_blocker.unblock():
        worker = start_inprocess_worker(concurrency=2, beat=False)
        yield worker
        stop_inprocess_worker()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_api(settings: Any, tmp_path: Any) -> Iterator[str]:
    """The ASGI application under a real uvicorn server, in a thread of this process.

    Its requests run on their own connections, so tests that use it need
    `@pytest.mark.django_db(transaction=True)`. Media go to a temporary folder.
    """
    import uvicorn

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FEED_REDIS_URL = None
    from sora_social.asgi import application

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start in time"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# The real dlib face model and faces in the registry, for the cameos and generation tests.
@pytest.fixture(scope="session")
def dlib_backend() -> Any:
    from cameos.faces import get_backend, reset_backend

    reset_backend()
    return get_backend()


@pytest.fixture
def embedding_of(dlib_backend: Any) -> Callable[..., Any]:
    """The dlib embedding of a person's portrait (0-5 from t1.jpg, or "hanks"), optionally warped."""
    from tests.cameos import media

    def embed(person: int | str, *, yaw: float = 0.0) -> Any:
        frame = media.compose(media.foreshorten(media.face_portrait(person), yaw=yaw))
        faces = dlib_backend.detect(frame)
        assert faces, f"no face found for {person}"
        return dlib_backend.embed(frame, faces[0])

    return embed


@pytest.fixture
def enrol_face(embedding_of: Callable[..., Any]) -> Callable[..., Any]:
    """Put a verified cameo's face (a real photo) into the registry, as enrolment would."""
    from cameos import registry
    from cameos.models import EmbeddingPool, SubjectKind

    def enrol(cameo: Any, person: int | str) -> Any:
        registry.store(
            embedding_model="dlib_128",
            pool=EmbeddingPool.REGISTRY,
            subject_kind=SubjectKind.CAMEO,
            subject_id=cameo.pk,
            vectors=[embedding_of(person)],
        )
        return cameo

    return enrol
