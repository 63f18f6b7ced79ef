"""The CLIP classifier on a tiny random-weight model the tests build: shapes, batching, heads, decisions."""

from __future__ import annotations

import numpy as np
import pytest

from moderation import services
from moderation.categories import CATEGORIES
from moderation.classifiers import loader
from tests.moderation.conftest import solid_frames

pytestmark = [pytest.mark.django_db, pytest.mark.ml]


@pytest.fixture
def clip_only(tiny_clip, settings):
    settings.SAFETY_PROMPT_MODEL = "off"
    settings.SAFETY_NSFW_MODEL = "off"
    loader.reset()
    return tiny_clip


def _clip():
    loaded, broken = loader.classifiers("frames")
    assert not broken
    (clip,) = loaded
    return clip


def test_tiny_clip_loads_once_and_embeds_batches(clip_only):
    """One load per process; a batch of frames of any size becomes (N, dim) unit vectors."""
    clip = _clip()
    assert _clip() is clip
    frames = solid_frames(5, size=(90, 160))
    batch = clip.preprocess(frames)
    assert tuple(batch.shape) == (5, 3, clip.image_size, clip.image_size)
    vectors = clip.forward(batch)
    assert vectors.shape == (5, 32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    one_by_one = np.concatenate([clip.embed_frames([f]) for f in frames])
    assert np.allclose(one_by_one, vectors, atol=1e-4)


def test_zero_shot_scores_every_category_in_range(clip_only):
    """Zero-shot scores cover the categories with concepts and stay in [0, 1]."""
    scores = _clip().score_frames(solid_frames(3)).scores
    assert set(scores) >= set(CATEGORIES) - {"rights_holder"}
    assert all(0.0 <= v <= 1.0 for v in scores.values())


def test_trained_head_drives_the_decision(clip_only, settings, tmp_path):
    """A linear head saying "sexual" with certainty makes check_frames block; thresholds decide."""
    clip = _clip()
    np.savez(tmp_path / "sexual.npz", w=np.zeros(clip.dim, dtype=np.float32), b=np.float32(8.0))
    settings.SAFETY_HEADS_DIR = str(tmp_path)
    loader.reset()
    verdict = services.check_frames(frames=solid_frames(12), subject=("generation", 3))
    assert verdict.scores["sexual"] > 0.99
    assert verdict.decision == "block"
    assert "sexual" in verdict.flagged
    assert ":heads-" in verdict.model_ids["clip"]
    np.savez(tmp_path / "sexual.npz", w=np.zeros(clip.dim, dtype=np.float32), b=np.float32(-8.0))
    loader.reset()
    assert services.check_frames(frames=solid_frames(2)).scores["sexual"] < 0.01


def test_head_with_the_wrong_size_fails_to_load(clip_only, settings, tmp_path):
    """A head trained for another model is a load failure, not a silent mismatch."""
    np.savez(tmp_path / "hate.npz", w=np.zeros(7, dtype=np.float32), b=np.float32(0))
    settings.SAFETY_HEADS_DIR = str(tmp_path)
    loader.reset()
    _, broken = loader.classifiers("frames")
    assert "clip" in broken


def test_clip_scores_prompts_in_the_same_space(clip_only, without_shipped_registries):
    """With CLIP configured, prompts are also scored by its text encoder."""
    verdict = services.check_prompt(text="a quiet lake")
    assert verdict.model_ids["clip"].startswith("open_clip:sora-tiny-clip:sora-tiny-clip.pt")


def test_reference_images_match_frames(clip_only, settings, tmp_path):
    """A frame identical to a rights holder's reference image matches that entry."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from moderation.models import RightsHolderImage
    from tests.moderation.factories import RightsHolderFactory

    settings.MEDIA_ROOT = str(tmp_path)
    entry = RightsHolderFactory(slug="comet", name="Zzyzx Qwv")
    frame = solid_frames(1, color=(250, 10, 10))[0]
    buf = io.BytesIO()
    Image.fromarray(frame).save(buf, format="PNG")
    image = RightsHolderImage(entry=entry)
    image.image.save("comet.png", ContentFile(buf.getvalue()), save=True)
    verdict = services.check_frames(frames=[frame, frame])
    assert verdict.scores["rights_holder"] == 1.0
    assert "rights_holder:comet" in verdict.reasons
    assert verdict.decision == "block"
