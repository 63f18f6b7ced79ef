"""A client generated from the served schema drives the main journey against the real server.

This is how the mobile teams build their clients (docs/API.md): fetch
/api/schema/, generate a typed client, call it. Here the generator is
openapi-python-client (offline), and the journey is signup with an invite
code → a text generation, finished by the in-process worker → publish → the
post in a follower's Following feed, all through the generated code.
"""

from __future__ import annotations

import datetime as dt
import importlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import ADULT_BIRTHDATE, PASSWORD, make_member

pytestmark = pytest.mark.django_db(transaction=True)


def generate_client(base_url: str, into: Path) -> Any:
    """Generate `sora_client` from the served schema into `into` and import it."""
    schema = into / "openapi.json"
    schema.write_bytes(httpx.get(f"{base_url}/api/schema/?format=json", timeout=30).content)
    config = into / "client.yaml"
    config.write_text(
        "project_name_override: sora_client\npackage_name_override: sora_client\npost_hooks: []\n"
    )
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(schema),
            "--meta",
            "none",
            "--output-path",
            str(into / "sora_client"),
            "--config",
            str(config),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(into))
    importlib.invalidate_caches()
    try:
        return importlib.import_module("sora_client")
    finally:
        sys.path.remove(str(into))


@pytest.fixture
def small_renders(settings: Any) -> Iterator[Any]:
    """Small, fast renders, and the rule classifiers only (no model loads).

    The journey is about the client; the model-backed checks have their own
    tests (tests/generation, tests/moderation). Every stage still runs.
    """
    from moderation.classifiers import loader

    settings.GENERATION_SHORT_SIDE = 144
    settings.GENERATION_DEFAULT_DURATION_S = 2
    settings.GENERATION_FPS = 12
    settings.GENERATION_BACKEND = "procedural"
    settings.SAFETY_PROMPT_MODEL = "off"
    settings.SAFETY_NSFW_MODEL = "off"
    settings.SAFETY_CLIP_MODEL = None
    loader.reset()
    yield settings
    loader.reset()


def test_generated_client_signs_up_generates_publishes_and_reads_the_feed(
    live_api: str, inprocess_worker: Any, small_renders: Any, tmp_path: Path
) -> None:
    """signup (invite code) → text generation → publish → a follower's Following feed, via the generated client."""
    client_pkg = generate_client(live_api, tmp_path)
    from sora_client.api.accounts import auth_signup, token_post, user_follow
    from sora_client.api.feed import feed_get, post_create_post
    from sora_client.api.generation import generation_detail_get, generation_list_create_post
    from sora_client.models import (
        FeedGetKind,
        FeedPage,
        Generation,
        GenerationListCreateInputRequest,
        ModeEnum,
        Post,
        PostCreateInputRequest,
        Relation,
        SignupInputRequest,
        SignupOut,
        TokenObtainPairRequest,
        VisibilityEnum,
    )

    from sora_social.accounts.models import InviteCode

    inviter = make_member()
    code = InviteCode.objects.filter(owner=inviter, state=InviteCode.State.AVAILABLE).first().code
    anonymous = client_pkg.Client(base_url=live_api, raise_on_unexpected_status=True)

    signed_up = auth_signup.sync(
        client=anonymous,
        body=SignupInputRequest(
            invite_code=code,
            username="ada",
            email="ada@example.test",
            password="a long and unusual passphrase",
            birthdate=dt.date.fromisoformat(ADULT_BIRTHDATE),
            region="US",
        ),
    )
    assert isinstance(signed_up, SignupOut), signed_up
    me = client_pkg.AuthenticatedClient(base_url=live_api, token=signed_up.access)

    job = generation_list_create_post.sync(
        client=me,
        body=GenerationListCreateInputRequest(mode=ModeEnum.TEXT, prompt="paper lanterns over a river"),
    )
    assert isinstance(job, Generation), job
    deadline = time.monotonic() + 120
    while job.state not in {"ready", "blocked", "failed", "cancelled"}:
        assert time.monotonic() < deadline, f"generation still {job.state}"
        time.sleep(0.3)
        job = generation_detail_get.sync(client=me, job_id=job.id)
        assert isinstance(job, Generation), job
    assert job.state == "ready", job.blocked_reason
    assert job.video_url

    post = post_create_post.sync(
        client=me,
        body=PostCreateInputRequest(
            generation_id=job.id, caption="lanterns", visibility=VisibilityEnum.PUBLIC
        ),
    )
    assert isinstance(post, Post), post
    assert post.author.username == "ada"

    follower = make_member(inviter)
    tokens = token_post.sync(
        client=anonymous, body=TokenObtainPairRequest(username=follower.username, password=PASSWORD)
    )
    reader = client_pkg.AuthenticatedClient(base_url=live_api, token=tokens.access)
    relation = user_follow.sync(client=reader, user_id=signed_up.user.id)
    assert isinstance(relation, Relation), relation
    assert relation.following is True

    page = feed_get.sync(client=reader, kind=FeedGetKind.FOLLOWING)
    assert isinstance(page, FeedPage), page
    assert [item.id for item in page.results] == [post.id]
    assert page.results[0].author.username == "ada"
