"""The product end to end through the deployed processes, over HTTP and the WebSocket."""

from __future__ import annotations

from tests.stack.processes import wait_for


def test_signup_generate_watch_publish_and_follower_feed(live, member, invites):
    """invite signup → text generation → progress over WS → ready with files in S3 → publish →
    a follower (signed up with the creator's own invite) sees it in Following."""
    creator = member("creator")
    follower_code = creator.invite_codes()[0]
    from tests.stack.client import Member

    follower = Member(live.base_url, live.ws_url, invite_code=follower_code, prefix="fan")
    follower.follow(creator)

    events = creator.events()
    job_id = creator.generate("a lighthouse at dusk, waves rolling in")
    job = creator.wait_job(job_id)
    assert job["state"] == "ready", job
    wait_for("generation.finished over WS", lambda: events.of("generation.finished", job_id), timeout=30)
    # Events from different processes (the CPU worker's prompt check, the GPU worker's render)
    # may cross on the way; one process's render reports arrive in order.
    rendering = [e["progress"] for e in events.of("generation.progress", job_id) if e["state"] == "rendering"]
    assert rendering, "no render progress reached the socket"
    assert rendering == sorted(rendering)
    assert [e["state"] for e in events.of("generation.finished", job_id)] == ["ready"]
    events.close()

    stored = live.s3_keys()
    video, poster = live.sql("SELECT video, poster FROM generation_job WHERE id = %s", [int(job_id)])[0]
    assert video in stored
    assert poster in stored

    post_id = creator.publish(job_id, caption="first light")
    wait_for("post in the follower's Following feed", lambda: post_id in follower.feed_ids("following"))
