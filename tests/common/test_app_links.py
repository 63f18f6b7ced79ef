"""App links: the apple-app-site-association and assetlinks.json files come from settings."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

AASA = "/.well-known/apple-app-site-association"
ASSETLINKS = "/.well-known/assetlinks.json"


def test_apple_app_site_association_names_the_apps_and_the_web_paths(client, settings):
    """Every configured app id opens /p/* and /i/*; served as JSON at the exact path, no redirect."""
    settings.APP_IOS_APP_IDS = ["ABCDE12345.social.sora.app", "ABCDE12345.social.sora.beta"]
    response = client.get(AASA)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    (detail,) = body["applinks"]["details"]
    assert detail["appIDs"] == settings.APP_IOS_APP_IDS
    assert detail["components"] == [{"/": "/p/*"}, {"/": "/i/*"}]
    assert "max-age=3600" in response["Cache-Control"]


def test_assetlinks_names_the_package_and_fingerprints(client, settings):
    """The Android package and its signing-certificate fingerprints, in Digital Asset Links form."""
    settings.APP_ANDROID_PACKAGE = "social.sora.app"
    settings.APP_ANDROID_CERT_FINGERPRINTS = ["14:6d:e9", "AA:BB:CC"]
    response = client.get(ASSETLINKS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    (statement,) = json.loads(response.content)
    assert statement["relation"] == ["delegate_permission/common.handle_all_urls"]
    assert statement["target"] == {
        "namespace": "android_app",
        "package_name": "social.sora.app",
        "sha256_cert_fingerprints": ["14:6D:E9", "AA:BB:CC"],
    }


def test_unconfigured_apps_get_empty_files(client, settings):
    """Without app settings the files exist but name no app (nothing opens the links)."""
    settings.APP_IOS_APP_IDS = []
    settings.APP_ANDROID_PACKAGE = None
    assert json.loads(client.get(AASA).content) == {"applinks": {"details": []}}
    assert json.loads(client.get(ASSETLINKS).content) == []


def test_app_link_files_refuse_writes(client):
    """Only GET and HEAD."""
    assert client.post(AASA).status_code == 405
    assert client.head(ASSETLINKS).status_code == 200
