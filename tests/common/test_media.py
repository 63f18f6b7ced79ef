"""Media URLs: the file-system fast path gives exactly what the storage's own `url` gives."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage, storages

from sora_social.common.media import media_url

NAMES = [
    "generations/a.mp4",
    "posters/with space.jpg",
    "weird/ünïcode ?#%&:=+@;,'()~!*.png",
    "/leading/slash.mp4",
    "deep/a/b/c/d.webm",
]


@pytest.mark.parametrize("base", ["/media/", "https://cdn.example.test/m/", "/static/media"])
def test_file_system_fast_path_matches_storage_url(settings, base):
    settings.MEDIA_URL = base
    storage = storages["default"]
    for name in NAMES:
        assert media_url(name) == storage.url(name) == default_storage.url(name)
    assert media_url("") is None
    assert media_url(None) is None


def test_other_storages_are_asked(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage", "OPTIONS": {"base_url": "/mem/"}},
    }
    assert media_url("x y.mp4") == storages["default"].url("x y.mp4") == "/mem/x%20y.mp4"
