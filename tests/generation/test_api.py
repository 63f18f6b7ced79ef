"""The generation API: submit, read, list, cancel, uploads, quotas, consent at submit, remix sources."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cameos.models import Audience
from cameos.services import cameo_grant, cameo_revoke
from generation import services
from generation.models import GenerationJob, ImageUpload
from generation.remix import RemixSource, register_source_resolver
from generation.states import JobState
from sora_social.common.errors import RateLimited
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory
from tests.concurrency import run_at_once
from tests.generation.factories import GenerationJobFactory, image_bytes

URL = "/api/v1/generations"


@pytest.fixture
def remix_sources():  # type: ignore[no-untyped-def]
    """Install a resolver over an in-test table of posts (the feed installs the real one)."""
    posts: dict[int, RemixSource] = {}

    def resolve(*, post_id: int, user: object) -> RemixSource | None:
        return posts.get(post_id)

    from generation import remix

    previous = remix._resolver
    register_source_resolver(resolve)
    yield posts
    register_source_resolver(previous)  # the feed's, for tests that run after


@pytest.mark.django_db
def test_submit_text_answers_202_with_the_job(auth_client):
    """A text request is accepted with defaults: 9:16, configured duration and fps, queued."""
    response = auth_client.post(URL, {"mode": "text", "prompt": "a fox in snow"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued"
    assert body["aspect"] == "9:16"
    assert (body["width"], body["height"], body["fps"], body["duration_s"]) == (144, 256, 12, 2)
    assert body["video_url"] is None
    assert isinstance(body["id"], str)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"mode": "text"}, "prompt"),
        ({"mode": "text", "prompt": "x", "duration_s": 999}, "duration_s"),
        ({"mode": "text", "prompt": "x", "aspect": "4:3"}, "aspect"),
        ({"mode": "video", "prompt": "x"}, "mode"),
        ({"mode": "image", "prompt": "x"}, "image_upload_id"),
        ({"mode": "remix", "prompt": "x"}, "remix_of"),
    ],
)
def test_bad_requests_are_400_and_create_nothing(auth_client, payload, field):
    """Invalid fields answer 400 naming the field; no job row appears."""
    response = auth_client.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert GenerationJob.objects.count() == 0


@pytest.mark.django_db
def test_malformed_json_is_400(auth_client):
    """A body that is not JSON is a clear 400."""
    response = auth_client.post(URL, b"{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


@pytest.mark.django_db
def test_someone_elses_job_is_404(client_for):
    """Reading or cancelling another member's job, or a malformed id, answers 404."""
    job = GenerationJobFactory()
    stranger = client_for(UserFactory())
    assert stranger.get(f"{URL}/{job.id}").status_code == 404
    assert stranger.delete(f"{URL}/{job.id}").status_code == 404
    assert stranger.get(f"{URL}/not-an-id").status_code == 404
    job.refresh_from_db()
    assert job.state == JobState.QUEUED


@pytest.mark.django_db
def test_cancel_queued_then_again_is_409(auth_client):
    """DELETE cancels an unfinished job; cancelling a finished one is a 409."""
    job_id = auth_client.post(URL, {"mode": "text", "prompt": "p"}, format="json").json()["id"]
    response = auth_client.delete(f"{URL}/{job_id}")
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    again = auth_client.delete(f"{URL}/{job_id}")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "generation_finished"


@pytest.mark.django_db
def test_list_is_paginated_newest_first_in_constant_queries(user, auth_client, django_assert_num_queries):
    """GET /generations: my jobs only, newest first, {results, next}; 2 queries for 1 or 25 jobs."""
    GenerationJobFactory(user=UserFactory())  # not mine
    first = GenerationJobFactory(user=user)
    with django_assert_num_queries(2):  # the member (JWT), the page
        body = auth_client.get(URL).json()
    assert [r["id"] for r in body["results"]] == [str(first.id)]
    assert body["next"] is None
    for _ in range(24):
        GenerationJobFactory(user=user)
    with django_assert_num_queries(2):
        body = auth_client.get(URL).json()
    assert len(body["results"]) == 20
    assert body["next"]
    ids = [int(r["id"]) for r in body["results"]]
    assert ids == sorted(ids, reverse=True)
    rest = auth_client.get(URL, {"cursor": body["next"]}).json()
    assert len(rest["results"]) == 5


# --- uploads ----------------------------------------------------------------------


def _upload(client, data: bytes, name: str = "a.png"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/uploads", {"file": SimpleUploadedFile(name, data)}, format="multipart")


@pytest.mark.django_db
def test_upload_of_a_valid_image(auth_client):
    """A PNG within limits is stored: 201 with its id, size and state `pending` (a worker decodes it)."""
    response = _upload(auth_client, image_bytes(320, 240))
    assert response.status_code == 201
    body = response.json()
    assert (body["width"], body["height"], body["content_type"]) == (320, 240, "image/png")
    assert body["state"] == "pending"
    upload = ImageUpload.objects.get(pk=int(body["id"]))
    from django.core.files.storage import default_storage

    assert default_storage.exists(upload.file)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 500, 400, "corrupt_image"),  # a PNG signature, no image
        (b"hello, I am text", 400, "corrupt_image"),
        (image_bytes(320, 240, fmt="GIF"), 415, "unsupported_image_type"),
        (image_bytes(60, 60), 400, "image_dimensions"),
        (b"", 400, "corrupt_image"),
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(auth_client, data, status, code):
    """Unreadable headers, non-images, unsupported or tiny files: a clear 4xx, no row, no file.
    (A good header over a truncated body is the worker's to reject: test_upload_decode.)"""
    response = _upload(auth_client, data)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert ImageUpload.objects.count() == 0
    from django.core.files.storage import default_storage

    assert not default_storage.exists("uploads")


@pytest.mark.django_db
def test_oversized_upload_is_413(auth_client, settings):
    """A file over GENERATION_UPLOAD_MAX_BYTES is refused before decoding."""
    settings.GENERATION_UPLOAD_MAX_BYTES = 1000
    response = _upload(auth_client, image_bytes(320, 240))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "upload_too_large"


@pytest.mark.django_db
def test_image_job_needs_my_own_upload(client_for, auth_client):
    """Another member's upload id is a 404 for me."""
    theirs = _upload(client_for(UserFactory()), image_bytes()).json()["id"]
    response = auth_client.post(URL, {"mode": "image", "image_upload_id": theirs}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "upload_not_found"


# --- quotas -------------------------------------------------------------------------


@pytest.mark.django_db
def test_daily_quota_is_429_with_retry_after(auth_client, user, settings):
    """Past the daily quota: 429, Retry-After counting down to when the oldest job turns a day old."""
    settings.GENERATION_DAILY_QUOTA = 2
    settings.GENERATION_CONCURRENT_QUOTA = 10
    for _ in range(2):
        assert auth_client.post(URL, {"mode": "text", "prompt": "p"}, format="json").status_code == 202
    GenerationJob.objects.filter(user=user).update(
        created_at=GenerationJob.objects.first().created_at - timedelta(hours=23)
    )
    response = auth_client.post(URL, {"mode": "text", "prompt": "p"}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "generation_daily_quota"
    retry = int(response["Retry-After"])
    assert 3500 <= retry <= 3700
    assert GenerationJob.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_concurrent_quota_counts_unfinished_jobs(auth_client, user, settings):
    """Unfinished jobs count against the concurrent quota; finished ones do not."""
    settings.GENERATION_CONCURRENT_QUOTA = 1
    first = auth_client.post(URL, {"mode": "text", "prompt": "p"}, format="json").json()["id"]
    response = auth_client.post(URL, {"mode": "text", "prompt": "p"}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "generation_concurrent_quota"
    assert int(response["Retry-After"]) > 0
    auth_client.delete(f"{URL}/{first}")
    assert auth_client.post(URL, {"mode": "text", "prompt": "p"}, format="json").status_code == 202


@pytest.mark.django_db
def test_teens_get_the_lower_quota(client_for, settings):
    """A teen (the age gate's flag) is held to the teen quotas."""
    settings.GENERATION_CONCURRENT_QUOTA = 5
    settings.GENERATION_CONCURRENT_QUOTA_TEEN = 1
    today = date.today()
    teen = UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15))
    adult = UserFactory()
    for member, accepted in ((teen, 1), (adult, 5)):
        client = client_for(member)
        codes = [
            client.post(URL, {"mode": "text", "prompt": "p"}, format="json").status_code for _ in range(6)
        ]
        assert codes.count(202) == accepted
        assert codes.count(429) == 6 - accepted


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_cannot_exceed_the_quota(user, settings):
    """Eight threads submitting at once for one member: exactly the quota is accepted."""
    settings.GENERATION_CONCURRENT_QUOTA = 3
    settings.GENERATION_DAILY_QUOTA = 100
    outcomes: list[str] = []

    def submit(_: int) -> None:
        try:
            services.job_submit(user=user, mode="text", prompt="race")
            outcomes.append("ok")
        except RateLimited:
            outcomes.append("429")

    run_at_once(submit, 8)
    assert outcomes.count("ok") == 3
    assert GenerationJob.objects.filter(user=user).count() == 3


# --- consent at submit ------------------------------------------------------------------


@pytest.mark.django_db
def test_casting_needs_consent(auth_client, user):
    """A cameo I have no access to, or an unknown one, is refused alike (403); after a grant it is accepted."""
    cameo = CameoFactory(audience=Audience.APPROVED)
    for cameo_id in (str(cameo.id), "123456789"):
        response = auth_client.post(URL, {"mode": "text", "prompt": "p", "cameos": [cameo_id]}, format="json")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "cameo_consent_required"
    assert GenerationJob.objects.count() == 0
    cameo_grant(cameo=cameo, user_id=user.id)
    response = auth_client.post(
        URL, {"mode": "text", "prompt": "p", "cameos": [str(cameo.id)]}, format="json"
    )
    assert response.status_code == 202
    assert response.json()["cameos"] == [str(cameo.id)]


@pytest.mark.django_db
def test_revocation_cancels_that_members_unfinished_jobs_with_the_cameo(user):
    """cameo_access_revoked: that member's queued jobs with the cameo end cancelled; others untouched."""
    cameo = CameoFactory(audience=Audience.APPROVED)
    cameo_grant(cameo=cameo, user_id=user.id)
    other = UserFactory()
    cameo_grant(cameo=cameo, user_id=other.id)
    with_cameo = [
        services.job_submit(user=user, mode="text", prompt="p", cameos=[cameo.id]) for _ in range(2)
    ]
    without = services.job_submit(user=user, mode="text", prompt="p")
    theirs = services.job_submit(user=other, mode="text", prompt="p", cameos=[cameo.id])
    cameo_revoke(cameo=cameo, user_id=user.id)
    for job in with_cameo:
        job.refresh_from_db()
        assert (job.state, job.blocked_reason) == (JobState.CANCELLED, "cameo_access_revoked")
    for job in (without, theirs):
        job.refresh_from_db()
        assert job.state == JobState.QUEUED


# --- remix ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_remix_of_unknown_or_invisible_post_is_404(auth_client, remix_sources):
    """A post that does not exist, or that I may not see, is 404 alike; without a resolver too."""
    remix_sources[5] = RemixSource(post_id=5, video="v.mp4", title="t", visible=False, allow_remix=True)
    for post in ("5", "6", "nope"):
        response = auth_client.post(URL, {"mode": "remix", "remix_of": post}, format="json")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "remix_source_not_found"


@pytest.mark.django_db
def test_remix_of_a_post_that_forbids_remixes_is_403(auth_client, remix_sources):
    """allow_remix off: 403 `remix_not_allowed`, nothing created."""
    remix_sources[5] = RemixSource(post_id=5, video="v.mp4", title="t", visible=True, allow_remix=False)
    response = auth_client.post(URL, {"mode": "remix", "remix_of": "5"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "remix_not_allowed"
    assert GenerationJob.objects.count() == 0


@pytest.mark.django_db
def test_remix_inherits_the_sources_cameos_and_needs_consent_for_each(auth_client, user, remix_sources):
    """The source's cameos come with the remix: refused without consent, accepted and carried with it."""
    cameo = CameoFactory(audience=Audience.APPROVED)
    remix_sources[5] = RemixSource(
        post_id=5, video="v.mp4", title="t", visible=True, allow_remix=True, cameo_ids=(cameo.id,)
    )
    response = auth_client.post(URL, {"mode": "remix", "remix_of": "5"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cameo_consent_required"
    cameo_grant(cameo=cameo, user_id=user.id)
    response = auth_client.post(URL, {"mode": "remix", "remix_of": "5"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["cameos"] == [str(cameo.id)]
    assert body["remix_of"] == "5"
