"""A transformed copy of an output still finds it; unrelated clips find nothing."""

from __future__ import annotations

import pytest

from generation.backends import RenderContext, RenderRequest
from generation.backends.procedural import ProceduralBackend
from provenance import robustness, services
from sora_social.accounts.viewer import Viewer

# Which signals each transformation must leave matching (the audio survives them all).
EXPECTED = {
    "low_bitrate": {"vpdq", "audio"},
    "scale_480p": {"vpdq", "audio"},
    "crop_10": {"vpdq", "audio"},
    "letterbox": {"vpdq", "audio"},
    "trim_ends": {"vpdq", "audio"},
    "hflip": {"vpdq", "audio"},
    "screen_recording": {"audio"},
}


@pytest.mark.parametrize("name", sorted(robustness.TRANSFORMS))
def test_transformed_copy_matches_its_output(made_output, name):
    """Each transformation of a real output (C2PA gone) is traced back to it, by the signals expected."""
    job, video = made_output()
    copy = robustness.TRANSFORMS[name](video)
    answer = services.provenance_lookup(data=copy, viewer=Viewer.anonymous_teen(), staff=True)
    assert answer.method == "hashes"
    assert [m.job_id for m in answer.matches] == [job.id]
    assert EXPECTED[name] <= set(answer.matches[0].signals), answer.matches[0].detail
    assert answer.matches[0].confidence >= 0.5


def test_unrelated_clips_do_not_match(made_output):
    """Clips never stored here, as they are and mirrored, match none of several stored outputs."""
    for seed, prompt in enumerate(
        ["a red fox at dawn", "ocean waves at sunset", "a city street in the rain"]
    ):
        made_output(prompt=prompt, seed=seed + 10)
    for seed, prompt in enumerate(["a lighthouse in a storm", "a bowl of fruit on a table"]):
        result = ProceduralBackend().render(
            RenderRequest(prompt=prompt, seed=100 + seed, duration_s=8, width=288, height=512, fps=12),
            RenderContext(),
        )
        clip = robustness.encode(result.frames, result.audio[:1], fps=12)
        for variant in (clip, robustness.hflip(clip)):
            answer = services.provenance_lookup(data=variant, viewer=Viewer.anonymous_teen(), staff=True)
            assert answer.matches == [], [(m.job_id, m.signals, m.detail) for m in answer.matches]
