"""Outputs go through Django's storage API: S3 via django-storages + boto3, against moto's S3 server."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from generation import provenance
from generation.models import GenerationJob, ImageUpload
from generation.states import JobState
from tests.generation.factories import finishing_job, render_and_finish

BUCKET = "sora-test-media"
PUBLIC_READ_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicPostMedia",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/public/*",
            }
        ],
    }
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """moto's S3 in server mode on a local port, and the default storage pointed at it."""
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # The deployment's bucket policy (docs/GENERATION.md): anyone may read `public/*`, nothing else.
    client.put_bucket_policy(Bucket=BUCKET, Policy=PUBLIC_READ_POLICY)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "sora_social.common.storage.MediaS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "querystring_auth": True,
                "default_acl": None,
            },
        },
        "biometric": {
            "BACKEND": "sora_social.common.storage.BiometricS3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1"},
        },
    }
    try:
        yield client
    finally:
        server.stop()


@pytest.mark.django_db
def test_finished_video_and_poster_are_stored_in_s3(s3, user):
    """Finishing a job writes the signed MP4 and poster to the bucket; the URL is a signed S3 URL."""
    job = finishing_job(user=user, prompt="harbour lights", seed=2)
    assert render_and_finish(job) == JobState.READY
    job.refresh_from_db()
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="private/")["Contents"]
    keys = sorted(o["Key"] for o in listed)
    assert keys == sorted([job.video, job.poster])
    assert str(job.id) not in job.video
    body = s3.get_object(Bucket=BUCKET, Key=job.video)["Body"].read()
    assert provenance.read_manifest(body).label == job.manifest_label

    from generation.presenters import job_out

    url = job_out(job)["video_url"]
    assert url.startswith(f"{s3.meta.endpoint_url}/{BUCKET}/{job.video}")
    assert "Signature=" in url or "X-Amz-Signature=" in url


@pytest.mark.django_db
def test_upload_is_stored_in_s3(s3, auth_client):
    """An image upload lands in the bucket through the same storage API."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.generation.factories import image_bytes

    response = auth_client.post(
        "/api/v1/uploads", {"file": SimpleUploadedFile("a.png", image_bytes())}, format="multipart"
    )
    assert response.status_code == 201
    upload_id = response.json()["id"]
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="private/")["Contents"]
    name = ImageUpload.objects.get(pk=int(upload_id)).file
    assert name in [o["Key"] for o in listed]
    assert upload_id not in name
    assert "Signature=" in response.json()["url"]


def _http_get(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as res:  # noqa: S310 (moto on localhost)
            res.read()
            return res.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.django_db
def test_s3_presigned_gets_die_with_removal(s3, user):
    """On S3 a draft is reached by a presigned GET that stops working once the output is removed;
    a public post's unsigned URL stops working once a moderator removes the post."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from feed import services as feed
    from feed.receivers import on_content_actioned
    from generation.presenters import job_out
    from generation.services import outputs_remove
    from moderation import signals as m
    from sora_social.common.storage import PRIVATE, new_name
    from tests.generation.factories import GenerationJobFactory

    def job() -> GenerationJob:
        base = new_name(PRIVATE, "")
        video = default_storage.save(f"{base}video.mp4", ContentFile(b"mp4" * 100))
        poster = default_storage.save(f"{base}poster.jpg", ContentFile(b"jpg" * 100))
        return GenerationJobFactory(user=user, state="ready", mode="text", video=video, poster=poster)

    draft = job()
    url = job_out(draft)["video_url"]
    assert "Signature=" in url
    assert _http_get(url) == 200
    assert _http_get(url.split("?", 1)[0]) == 403  # no signature, no access
    outputs_remove(job_ids=[draft.id], reason="removed_by_moderation")
    assert _http_get(url) == 404

    post = feed.post_publish(author=user, generation_id=job().id, visibility="public")
    public_url = default_storage.url(post.video)
    assert post.video.startswith("public/")
    assert "Signature" not in public_url
    assert _http_get(public_url) == 200
    on_content_actioned(sender=None, kind="post", object_id=post.id, action=m.REMOVE)
    assert _http_get(public_url) == 404
    post.refresh_from_db()
    assert post.video.startswith("quarantine/")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="public/").get("Contents", [])}
    assert urlsplit(public_url).path.split(f"/{BUCKET}/", 1)[1] not in keys
