"""POST /api/v1/provenance/lookup: C2PA first, then hashes; answers only what the caller may see."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from feed import services as feed_services
from provenance import robustness
from tests.accounts.factories import UserFactory

URL = "/api/v1/provenance/lookup"


def _ask(client: APIClient, data: bytes, name: str = "clip.mp4") -> dict:
    response = client.post(URL, {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == 200, response.content
    return response.json()


def test_signed_output_is_answered_from_its_c2pa_manifest(made_output, client_for):
    """Our own signed file is answered from its manifest (method c2pa) with its public post."""
    job, video = made_output()
    post = feed_services.post_publish(author=job.user, generation_id=job.id)
    body = _ask(client_for(UserFactory()), video)
    assert body["method"] == "c2pa"
    assert body["ai_generated_here"] is True
    assert body["matches"] == [{"post_id": str(post.id), "confidence": 1.0, "signals": ["c2pa"]}]


def test_stripped_copy_is_found_by_hashes_for_anyone_when_public(made_output):
    """A re-encoded copy (manifest gone) of a public post is traced to it, signed in or not."""
    job, video = made_output()
    post = feed_services.post_publish(author=job.user, generation_id=job.id)
    body = _ask(APIClient(), robustness.low_bitrate(video))
    assert body["method"] == "hashes"
    assert body["found"] is True
    assert body["matches"][0]["post_id"] == str(post.id)
    assert set(body["matches"][0]["signals"]) == {"vpdq", "audio"}
    assert "staff" not in body["matches"][0]


def test_drafts_and_non_visible_posts_answer_like_no_match(made_output, client_for):
    """A draft, or a followers-only post a stranger may not see, is not revealed (nor that it exists)."""
    _, draft_video = made_output()
    hidden, hidden_video = made_output(prompt="ocean waves at sunset", seed=5)
    feed_services.post_publish(author=hidden.user, generation_id=hidden.id, visibility="followers")
    stranger = client_for(UserFactory())
    for video in (draft_video, hidden_video):
        body = _ask(stranger, robustness.low_bitrate(video))
        assert body == {
            "found": False,
            "method": "none",
            "media": "video",
            "ai_generated_here": False,
            "matches": [],
        }
    # The author sees their own followers-only post.
    assert _ask(client_for(hidden.user), robustness.low_bitrate(hidden_video))["found"] is True


def test_staff_see_drafts_and_removed_posts(made_output, client_for):
    """Staff get every match with the generation id and the post's state, drafts included."""
    job, video = made_output()
    staff = UserFactory(is_staff=True)
    body = _ask(client_for(staff), robustness.hflip(video))
    assert body["found"] is True
    match = body["matches"][0]
    assert match["post_id"] is None
    assert match["staff"]["generation_id"] == str(job.id)
    assert match["staff"]["post_state"] is None


def test_still_from_an_output_is_matched_by_pdq(made_output):
    """A frame grab (the poster) of a public post is traced by PDQ."""
    from django.core.files.storage import default_storage

    job, _ = made_output()
    post = feed_services.post_publish(author=job.user, generation_id=job.id)
    with default_storage.open(job.poster, "rb") as handle:
        poster = handle.read()
    body = _ask(APIClient(), poster, name="grab.jpg")
    assert body["media"] == "image"
    assert body["matches"][0]["post_id"] == str(post.id)
    assert body["matches"][0]["signals"] == ["pdq"]


def test_bad_input_is_a_clear_4xx(db, settings):
    """No file, an empty or corrupt file: 400; over the limit: 413; nothing is stored."""
    from provenance.models import MediaHash

    client = APIClient()
    assert client.post(URL, {}, format="multipart").status_code == 400
    corrupt = client.post(URL, {"file": SimpleUploadedFile("x.mp4", b"not a video")}, format="multipart")
    assert corrupt.status_code == 400
    assert corrupt.json()["error"]["code"] == "corrupt_media"
    settings.PROVENANCE_LOOKUP_MAX_BYTES = 100
    big = client.post(URL, {"file": SimpleUploadedFile("x.mp4", b"x" * 101)}, format="multipart")
    assert big.status_code == 413
    assert MediaHash.objects.count() == 0


def test_manifest_signed_by_someone_else_is_not_trusted(made_output, tmp_path, settings):
    """A manifest naming our generator but signed by another chain is ignored: the hashes decide."""
    from generation import provenance as c2pa_ours

    job, video = made_output()
    frames, audio, fps = robustness.decode(video)
    plain = robustness.encode(frames, audio, fps=fps)
    other = tmp_path / "other-ca"
    other.mkdir()
    c2pa_ours.generate_development_chain(other)
    ours = c2pa_ours.signing_material()
    forged_material = c2pa_ours.SigningMaterial(
        chain_pem=(other / "chain.pem").read_bytes(),
        key_pem=(other / "signer.key").read_bytes(),
        alg=ours.alg,
        tsa_url=None,
        trust_anchors_pem=(other / "root.pem").read_bytes(),
        development=True,
    )
    c2pa_ours._material = forged_material
    try:
        forged = c2pa_ours.sign_mp4(plain, title="fake.mp4", job_id=999999, cameo_ids=[])
    finally:
        c2pa_ours.reset_signing_material()
    staff = UserFactory(is_staff=True)
    client = APIClient()
    client.force_authenticate(staff)
    body = _ask(client, forged)
    assert body["method"] == "hashes"
    assert [m["staff"]["generation_id"] for m in body["matches"]] == [str(job.id)]
