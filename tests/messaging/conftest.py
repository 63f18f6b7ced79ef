"""Messaging fixtures: rule classifiers only (no model loads), table feed stores."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast(no_models, settings):
    settings.FEED_REDIS_URL = None
