"""Moderation fixtures: a tiny random-weight CLIP the tests build, a test subject kind, frames."""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from moderation import registry
from moderation.classifiers import loader
from moderation.models import PublicFigureEntry, RightsHolderEntry
from moderation.registry import SubjectView

TINY_CLIP = {
    "embed_dim": 32,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 32, "patch_size": 16, "head_width": 16},
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


@pytest.fixture
def tiny_clip(tmp_path: Path, settings: Any) -> Iterator[dict[str, str]]:
    """Settings for a tiny CLIP: a registered config, random weights saved as a local checkpoint.

    The checkpoint makes every load in the test the same model (as in production,
    where weights come from a file), and exercises the checkpoint-path code path."""
    import open_clip
    import torch

    config = tmp_path / "sora-tiny-clip.json"
    config.write_text(json.dumps(TINY_CLIP))
    open_clip.add_model_config(str(config))
    torch.manual_seed(0)
    checkpoint = tmp_path / "sora-tiny-clip.pt"
    torch.save(open_clip.create_model("sora-tiny-clip", pretrained=None).state_dict(), checkpoint)
    settings.SAFETY_CLIP_MODEL = "sora-tiny-clip"
    settings.SAFETY_CLIP_CONFIG = str(config)
    settings.SAFETY_CLIP_PRETRAINED = str(checkpoint)
    settings.SAFETY_DEVICE = "cpu"
    settings.SAFETY_BF16 = "off"
    loader.reset()
    yield {"model": "sora-tiny-clip", "config": str(config)}
    loader.reset()


class ClipSubjects:
    """A test-only subject kind ("clip"): an in-memory video store with a removed flag.

    Stands in for posts until the feed app registers "post"; its receiver does what
    feed's will: hide the object on remove, show it again on restore.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: dict[int, dict[str, Any]] = {}

    def add(self, object_id: int, *, owner_id: int, title: str, video_url: str = "", reach: int = 10) -> None:
        with self.lock:
            self.items[object_id] = {
                "owner": owner_id,
                "title": title,
                "video": video_url,
                "reach": reach,
                "removed": False,
                "labels": [],
            }

    def exists(self, object_id: int) -> bool:
        return object_id in self.items

    def owner_id(self, object_id: int) -> int | None:
        return self.items[object_id]["owner"]

    def reach(self, object_id: int) -> int:
        return self.items[object_id]["reach"]

    def render(self, object_id: int) -> SubjectView:
        item = self.items[object_id]
        return SubjectView(title=item["title"], owner_id=item["owner"], video_url=item["video"] or None)

    def lineage(self, object_id: int) -> list[SubjectView]:
        return [SubjectView(title="original clip")]

    def credits(self, object_id: int) -> list[SubjectView]:
        return [SubjectView(title="cameo: @alice")]

    def on_actioned(self, sender: Any, kind: str, object_id: int, action: str, **kwargs: Any) -> None:
        if kind != "clip" or object_id not in self.items:
            return
        with self.lock:
            if action in ("remove", "hide"):
                self.items[object_id]["removed"] = True
            elif action == "restore":
                self.items[object_id]["removed"] = False
            elif action == "label":
                self.items[object_id]["labels"].append(kwargs.get("reason", ""))


@pytest.fixture
def clips() -> Iterator[ClipSubjects]:
    from moderation.signals import content_actioned

    store = ClipSubjects()
    registry.register_subject("clip", store)
    content_actioned.connect(store.on_actioned)
    yield store
    content_actioned.disconnect(store.on_actioned)
    registry.unregister_subject("clip")


def solid_frames(
    count: int, color: tuple[int, int, int] = (40, 120, 200), size: tuple[int, int] = (96, 64)
) -> list[np.ndarray]:
    frame = np.zeros((size[0], size[1], 3), dtype=np.uint8)
    frame[...] = color
    return [frame.copy() for _ in range(count)]


@pytest.fixture
def without_shipped_registries(db: Any) -> None:
    """Empty registries for this test (rolled back after it): the shipped rows the data migration loads
    (766 rights-holder descriptions) are embedded and matched by the current prompt classifiers, so a
    test about another category does not depend on what happens to resemble one of them."""
    RightsHolderEntry.objects.all().delete()
    PublicFigureEntry.objects.all().delete()


@pytest.fixture
def shipped_registries(db: Any) -> None:
    """The registry rows the data migration loads. Transactional tests elsewhere truncate every table
    after they run (and --reuse-db keeps that), so they are loaded again, in this test's transaction,
    with the migration's own (idempotent) forward step when they are gone."""
    from django.apps import apps as django_apps

    from moderation.selectors import registries

    if not PublicFigureEntry.objects.filter(slug="barack-obama").exists():
        importlib.import_module("moderation.migrations.0003_load_shipped_registries").load(django_apps, None)
    registries.forget_snapshots()
