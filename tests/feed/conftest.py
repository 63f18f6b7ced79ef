"""Feed fixtures: table stores by default (tests that want Redis set FEED_REDIS_URL)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _table_store(settings):
    settings.FEED_REDIS_URL = None


@pytest.fixture
def redis_store(settings, redis_url):
    settings.FEED_REDIS_URL = redis_url
    return redis_url
