"""Outputs go through Django's storage API: S3 via django-storages + boto3, against moto's S3 server."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from generation import pipeline, provenance
from generation.backends import RenderContext
from generation.backends.procedural import ProceduralBackend
from generation.models import GenerationJob, ImageUpload
from generation.states import JobState

BUCKET = "sora-test-media"


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
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "querystring_auth": True,
                "default_acl": None,
            },
        },
    }
    try:
        yield client
    finally:
        server.stop()


@pytest.mark.django_db
def test_finished_video_and_poster_are_stored_in_s3(s3, user):
    """Finishing a job writes the signed MP4 and poster to the bucket; the URL is a signed S3 URL."""
    now = timezone.now()
    job = GenerationJob.objects.create(
        user=user,
        mode="text",
        prompt="harbour lights",
        seed=2,
        duration_s=2,
        width=144,
        height=256,
        fps=12,
        state=JobState.FINISHING,
        attempts=1,
        state_changed_at=now,
        heartbeat_at=now,
        backend="procedural",
    )
    result = ProceduralBackend().render(pipeline.build_request(job), RenderContext())
    state = pipeline.finish(
        job=job, attempt=1, frames=result.frames, audio=result.audio, sample_rate=result.sample_rate
    )
    assert state == JobState.READY
    job.refresh_from_db()
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"generations/{user.id}/")["Contents"]
    keys = sorted(o["Key"] for o in listed)
    assert keys == sorted([job.video, job.poster])
    body = s3.get_object(Bucket=BUCKET, Key=job.video)["Body"].read()
    assert provenance.read_manifest(body).label == job.manifest_label

    from generation.selectors import job_to_dict

    url = job_to_dict(job)["video_url"]
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
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="uploads/")["Contents"]
    assert [o["Key"] for o in listed if upload_id in o["Key"]] == [
        ImageUpload.objects.get(pk=int(upload_id)).file
    ]
