"""`manage.py train_safety_head` learns a head from a labelled folder that the CLIP classifier then uses."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from moderation import services
from moderation.classifiers import loader

pytestmark = [pytest.mark.django_db, pytest.mark.ml]


def _sample(color, rng):
    return np.clip(np.array(color) + rng.integers(-20, 20, size=(40, 40, 3)), 0, 255).astype(np.uint8)


def _images(folder, color, count, rng):
    folder.mkdir(parents=True)
    for i in range(count):
        Image.fromarray(_sample(color, rng)).save(folder / f"{i}.png")


def test_trained_head_separates_the_labelled_examples(tiny_clip, settings, tmp_path):
    """A head trained on reddish = violence, bluish = safe scores new reddish frames high and bluish low."""
    rng = np.random.default_rng(0)
    _images(tmp_path / "data" / "violence", (220, 30, 30), 12, rng)
    _images(tmp_path / "data" / "safe", (30, 30, 220), 12, rng)
    settings.SAFETY_PROMPT_MODEL = settings.SAFETY_NSFW_MODEL = "off"
    call_command("train_safety_head", str(tmp_path / "data"), out=str(tmp_path / "heads"), epochs=800)
    head = np.load(tmp_path / "heads" / "violence.npz")
    assert head["w"].shape == (32,)
    settings.SAFETY_HEADS_DIR = str(tmp_path / "heads")
    loader.reset()
    # New samples, not the training images.
    red = [_sample((220, 30, 30), rng) for _ in range(3)]
    blue = [_sample((30, 30, 220), rng) for _ in range(3)]
    assert all(services.check_frames(frames=[f]).scores["violence"] > 0.5 for f in red)
    assert all(services.check_frames(frames=[f]).scores["violence"] < 0.5 for f in blue)


def test_unknown_label_folders_are_refused(tiny_clip, tmp_path):
    """A folder that is not a category code or safe/ is an error, not a silent skip."""
    (tmp_path / "data" / "weird").mkdir(parents=True)
    with pytest.raises(CommandError):
        call_command("train_safety_head", str(tmp_path / "data"), out=str(tmp_path / "heads"))
