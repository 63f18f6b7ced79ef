"""Cameos fixtures: a temp media root (the real dlib face model and `enrol_face` are in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    """Recordings and reference crops land in a per-test directory (deletion is checked on disk)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
