"""Durations (10/15/25 s, quota by length, teen limit) and storyboards (1-6 shots, in order, one encode)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import numpy as np
import pytest

from generation import media, pipeline
from generation.backends import RenderContext, RenderRequest, RenderResult, Shot, register_backend
from generation.backends.procedural import ProceduralBackend
from generation.backends.storyboard import render_shots
from generation.models import GenerationJob
from generation.states import JobState
from generation.tasks import render_job
from tests.accounts.factories import UserFactory
from tests.generation.factories import GenerationJobFactory, stored_video_bytes

URL = "/api/v1/generations"
BOARD = [
    {"prompt": "a fox wakes in a snowy den", "duration_s": 1},
    {"prompt": "the fox runs into the trees", "duration_s": 1},
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"mode": "text", "prompt": "x", "duration_s": 12}, "duration_s"),  # not an offered length
        ({"mode": "text", "prompt": "x", "duration_s": 30}, "duration_s"),  # longer than the maximum
        ({"mode": "text", "storyboard": [{"prompt": "a", "duration_s": 1}] * 7}, "storyboard"),
        ({"mode": "text", "storyboard": []}, "storyboard"),
        ({"mode": "text", "storyboard": [{"prompt": " ", "duration_s": 1}]}, "storyboard"),
        (
            {
                "mode": "text",
                "storyboard": [{"prompt": "a", "duration_s": 20}, {"prompt": "b", "duration_s": 6}],
            },
            "duration_s",
        ),
        ({"mode": "text", "prompt": "x", "storyboard": BOARD}, "storyboard"),
        ({"mode": "text", "duration_s": 10, "storyboard": BOARD}, "storyboard"),
    ],
)
def test_bad_lengths_and_storyboards_are_400_and_change_nothing(auth_client, payload, field):
    response = auth_client.post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in str(body), body
    assert GenerationJob.objects.count() == 0


@pytest.mark.django_db
def test_offered_lengths_cost_quota_by_length(client_for, settings):
    """10, 15 and 25 s are accepted; they cost 1, 2 and 3 units; a clip the rest of the day's
    units cannot pay for is 429 with the cost in its details."""
    settings.GENERATION_DAILY_QUOTA = 6
    settings.GENERATION_CONCURRENT_QUOTA = 10
    client = client_for(UserFactory())
    for seconds, cost in ((10, 1), (15, 2), (25, 3)):
        response = client.post(URL, {"mode": "text", "prompt": "a fox", "duration_s": seconds}, format="json")
        assert response.status_code == 202, response.content
        assert GenerationJob.objects.get(pk=int(response.json()["id"])).quota_cost == cost
    response = client.post(URL, {"mode": "text", "prompt": "a fox", "duration_s": 10}, format="json")
    assert response.status_code == 429
    details = response.json()["error"]["details"]
    assert (details["limit"], details["used"], details["cost"]) == (6, 6, 1)
    assert 0 < int(response["Retry-After"]) <= 86400


@pytest.mark.django_db
def test_teens_may_not_make_the_longest_clips(client_for):
    today = date.today()
    teen = UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15))
    client = client_for(teen)
    assert (
        client.post(URL, {"mode": "text", "prompt": "a fox", "duration_s": 25}, format="json").status_code
        == 400
    )
    assert (
        client.post(URL, {"mode": "text", "prompt": "a fox", "duration_s": 15}, format="json").status_code
        == 202
    )


@pytest.mark.django_db
def test_storyboard_is_accepted_with_its_shots(auth_client):
    response = auth_client.post(URL, {"mode": "text", "storyboard": BOARD}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["storyboard"] == BOARD
    assert body["duration_s"] == 2
    assert body["prompt"] == "a fox wakes in a snowy den\nthe fox runs into the trees"


def _request(**fields: Any) -> RenderRequest:
    shots = (Shot("a red kite", 1), Shot("a blue boat", 1))
    base = {"prompt": "x", "seed": 3, "duration_s": 2, "width": 144, "height": 256, "fps": 12, "shots": shots}
    return RenderRequest(**{**base, **fields})


def test_shots_render_in_order_and_join():
    """Each shot is its own render (its prompt, seed + index) and the clip is their frames in order."""
    request = _request()
    steps: list[float] = []
    joined = render_shots(ProceduralBackend(), request, RenderContext(on_progress=steps.append))
    first = ProceduralBackend().render(
        RenderRequest(prompt="a red kite", seed=3, duration_s=1, width=144, height=256, fps=12),
        RenderContext(),
    )
    second = ProceduralBackend().render(
        RenderRequest(prompt="a blue boat", seed=4, duration_s=1, width=144, height=256, fps=12),
        RenderContext(),
    )
    assert np.array_equal(joined.frames, np.concatenate([first.frames, second.frames]))
    assert joined.audio is not None
    assert joined.audio.shape[1] == first.audio.shape[1] * 2
    assert steps == sorted(steps)
    assert steps[-1] == 1.0


class _Following(ProceduralBackend):
    """A backend that follows a still: records what each shot started from."""

    image_conditioning = True

    def __init__(self) -> None:
        self.starts: list[np.ndarray | None] = []
        self.results: list[RenderResult] = []

    def render(self, request: RenderRequest, ctx: RenderContext) -> RenderResult:
        self.starts.append(request.conditioning_image)
        result = super().render(request, ctx)
        self.results.append(result)
        return result


def test_later_shots_start_from_the_previous_last_frame():
    backend = _Following()
    render_shots(
        backend, _request(shots=(Shot("a", 1), Shot("b", 1), Shot("c", 1)), duration_s=3), RenderContext()
    )
    assert backend.starts[0] is None
    assert np.array_equal(backend.starts[1], backend.results[0].frames[-1])
    assert np.array_equal(backend.starts[2], backend.results[1].frames[-1])


@pytest.mark.django_db(transaction=True)
def test_storyboard_job_renders_every_shot_with_progress_per_shot(user, settings, monkeypatch):
    """A storyboard job: one MP4 of both shots (one encode), and rendering progress that names
    each shot as it renders."""
    events: list[dict[str, Any]] = []
    monkeypatch.setattr(pipeline, "send_user_event", lambda user_id, event: events.append(event))
    name = f"procedural-{uuid.uuid4().hex[:6]}"
    register_backend(name, ProceduralBackend)
    settings.GENERATION_BACKEND = name
    job = GenerationJobFactory(
        user=user,
        prompt="a fox wakes in a snowy den\nthe fox runs into the trees",
        storyboard=BOARD,
        duration_s=2,
        state=JobState.WAITING_FOR_GPU,
        backend=name,
    )
    assert render_job(job.id) == JobState.READY
    job.refresh_from_db()
    info = media.probe_mp4(stored_video_bytes(job))
    assert info["video"]["frames"] == 24
    shots = [(e.get("shot"), e.get("shots")) for e in events if e.get("state") == "rendering"]
    assert (0, 2) in shots
    assert (1, 2) in shots
    assert [s for s, _ in shots if s is not None] == sorted(s for s, _ in shots if s is not None)


@pytest.mark.django_db
def test_demo_seeder_queues_one_storyboard_for_alice():
    from generation.seeding import GenerationsSeeder

    alice = UserFactory(username="alice")
    lines = GenerationsSeeder().run({}, None)
    job = GenerationJob.objects.get(user_id=alice.id)
    assert len(job.storyboard) == 3
    assert job.duration_s == 15
    assert lines
    assert GenerationsSeeder().run({}, None) == []
    assert GenerationJob.objects.filter(user_id=alice.id).count() == 1
