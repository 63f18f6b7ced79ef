"""The served OpenAPI schema is what the running server does, checked by schemathesis.

A real uvicorn server runs the real ASGI app against the test database; the
schemathesis CLI signs in as a seeded member (with cameos, posts, generations,
grants, requests and notifications, so id paths reach real objects) and runs
every operation through the examples, coverage, fuzzing and stateful phases
with all checks. CI requires no failure at all: no server error, no response
outside the schema, no schema-valid request refused. `make fuzz` runs the same
test with a bigger budget (FUZZ_MAX_EXAMPLES, FUZZ_MAX_TIME).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "15"))
# The whole run's budget in seconds: fuzzing and stateful stop when it is spent.
MAX_TIME = int(os.environ.get("FUZZ_MAX_TIME", "150"))
REPORT_DIR = os.environ.get("FUZZ_REPORT_DIR")


def seed_member() -> dict[str, Any]:
    """A member with something behind every id path: cameos, grants, requests, posts, jobs, strikes."""
    from cameos import services as cameo_services
    from cameos.models import Audience
    from messaging.services import message_send, thread_open
    from sora_social.accounts.viewer import Viewer
    from tests.accounts.factories import make_member
    from tests.cameos.factories import AppearanceFactory, CameoFactory
    from tests.feed.factories import publish
    from tests.generation.factories import GenerationJobFactory

    inviter = make_member()
    me = make_member(inviter)
    friend = make_member(me)
    cameo = CameoFactory(owner=me, audience=Audience.APPROVED)
    friends_cameo = CameoFactory(owner=friend, audience=Audience.APPROVED)
    cameo_services.cameo_grant(cameo=cameo, user_id=friend.id)
    request = cameo_services.cameo_request_create(cameo=cameo, requester=inviter, message="please")
    appearance = AppearanceFactory(cameo=cameo)
    post = publish(me, caption="a paper boat at dawn")
    remix = publish(friend, remix_of=post)
    job = GenerationJobFactory(user=me)
    thread, _ = thread_open(viewer=Viewer.of(me), member_ids=[friend.id])
    message = message_send(viewer=Viewer.of(me), thread_id=thread.id, text="see you at dawn", post_id=post.id)
    return {
        "me": me,
        "ids": {
            "cameo_id": cameo.id,
            "appearance_id": appearance.id,
            "user_id": friend.id,
            "request_id": request.id,
            "post_id": post.id,
            "job_id": job.id,
            "friends_cameo_id": friends_cameo.id,
            "remix_id": remix.id,
            "thread_id": thread.id,
            "message_id": message.id,
        },
    }


# Refusals of schema-valid requests that no JSON Schema can express, by
# operation id. Everything else a schema-valid request gets must be 2xx or an
# error about the world (401, 403, 404, 409, 410, 429, 503), never a 400.
SEMANTIC_REFUSALS: dict[str, tuple[int, str]] = {
    # An opaque cursor is only valid if the server made it.
    **dict.fromkeys(
        (
            "feed_get",
            "user_posts_get",
            "post_comments_get",
            "post_remixes_get",
            "me_invitees",
            "me_notifications",
            "cameo_list",
            "cameo_appearances",
            "cameo_grants",
            "me_cameo_notifications",
            "me_cameo_requests",
            "me_cameo_approvals",
            "me_strikes",
            "generation_list_create_get",
            "user_followers",
            "user_following",
            "threads_get",
            "thread_messages_get",
        ),
        (400, "invalid_cursor"),
    ),
    "auth_signup": (400, "password too common or too like the username (Django's validators)"),
    "generation_list_create_post": (400, "the fields each mode needs: a prompt, an image or a post"),
    "post_create_post": (400, "an audience only for visibility=chosen"),
    "parental_link_accept": (400, "a parent cannot accept their own code"),
    "cameo_request_create": (400, "one cannot ask for one's own cameo (own_cameo)"),
    "cameo_grant": (400, "one cannot grant one's own cameo to oneself (own_cameo)"),
    "me_password_change": (400, "the current password must be the member's (wrong_password)"),
    "me_delete": (400, "the password must be the member's (wrong_password)"),
    "generation_appeal_post": (400, "a note of only spaces is empty once trimmed"),
    "parental_link_confirm": (400, "a token of only spaces is empty once trimmed"),
    # A cursor is only valid if the server made it; a query must hold a character besides `#` and spaces.
    "search": (400, "invalid_cursor, or a q of only spaces and # (empty once trimmed)"),
    # The avatar's real type and pixels are checked on its bytes.
    "me_update": (415, "the avatar's real type, size and dimensions are checked on its bytes"),
    "threads_post": (400, "not only oneself (thread_needs_members); no links in the text; the text checks"),
    "thread_messages_post": (400, "text or a post (message_empty); no links in the text; the text checks"),
    "upload_create_post": (415, "the image's real type and size are checked on its bytes"),
    "me_notifications_read": (400, "an id is a positive 63-bit number (not 0, not past 2^63-1)"),
    "me_devices_register": (400, "the token must have its platform's shape (invalid_device_token)"),
    "lookup_post": (400, "the file's bytes must decode as a video or an image (corrupt_media)"),
}
_WORLD = ["2xx", 401, 403, 404, 409, 410, 429, 503]


def _config(ids: dict[str, Any], token: str) -> str:
    """schemathesis.toml: the member's token, the seeded ids for the id paths, the semantic refusals."""
    lines = [
        f"max-time = {MAX_TIME}",
        # No string may hold NUL (PostgreSQL text cannot); the schema's info
        # says so for every field at once, so strings are generated without it.
        "generation.allow-x00 = false",
        "[headers]",
        f'Authorization = "Bearer {token}"',
        "[parameters]",
    ]
    for name in (
        "cameo_id",
        "appearance_id",
        "user_id",
        "request_id",
        "post_id",
        "job_id",
        "thread_id",
        "message_id",
    ):
        lines.append(f'"path.{name}" = "{ids[name]}"')
    for operation_id, (status, _why) in SEMANTIC_REFUSALS.items():
        expected = [*_WORLD, 400] if status == 415 else _WORLD
        lines += [
            "[[operations]]",
            f'include-operation-id = "{operation_id}"',
            f"checks.positive_data_acceptance.expected-statuses = {json.dumps([*expected, status])}",
        ]
    return "\n".join(lines) + "\n"


def test_every_operation_conforms_to_the_schema(live_api: str, tmp_path: Path) -> None:
    """Every operation, all phases and all checks: no server error and no response or refusal outside the schema."""
    seeded = seed_member()
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(seeded["ids"], bearer(seeded["me"])))
    report_dir = Path(REPORT_DIR) if REPORT_DIR else tmp_path / "report"
    started = time.monotonic()
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(config),
            "run",
            f"{live_api}/api/schema/?format=json",
            "--url",
            live_api,
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--checks",
            "all",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            os.environ.get("FUZZ_SEED", "20261130"),
            "--workers",
            "1",
            "--request-timeout",
            "20",
            "--no-color",
            "--warnings",
            "off",
            "--report",
            "json,junit",
            "--report-dir",
            str(report_dir),
            "--generation-database",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=MAX_TIME + 240,
        check=False,
    )
    took = time.monotonic() - started
    output = result.stdout + result.stderr
    print(output[-20000:])
    print(f"conformance run took {took:.0f} s")
    if REPORT_DIR:
        (report_dir / "took.json").write_text(json.dumps({"seconds": round(took)}))
    assert result.returncode == 0, output[-20000:]
