"""The media pipeline: watermark, the one encode, C2PA signing and reading back, descriptors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from generation import media, provenance
from generation.backends import RenderContext, RenderRequest
from generation.backends.procedural import ProceduralBackend

TEXT = "Sora Social · AI"


@pytest.fixture(scope="module")
def rendered():  # type: ignore[no-untyped-def]
    request = RenderRequest(
        prompt="lanterns over a river", seed=3, duration_s=2, width=144, height=256, fps=12
    )
    return ProceduralBackend().render(request, RenderContext())


def test_watermark_changes_only_its_box(rendered):
    """Burning the mark changes pixels inside its box, by a lot, and none outside it."""
    frames = rendered.frames.copy()
    media.burn_watermark(frames, fps=12, text=TEXT)
    box = media.watermark_box(0, width=144, height=256, fps=12, text=TEXT)
    diff = np.abs(frames[0].astype(int) - rendered.frames[0].astype(int)).sum(axis=2)
    assert diff[box.y0 : box.y1, box.x0 : box.x1].mean() > 40
    outside = diff.copy()
    outside[box.y0 : box.y1, box.x0 : box.x1] = 0
    assert outside.sum() == 0


def test_watermark_moves_between_corners():
    """The mark changes corner every few seconds."""
    boxes = {
        media.watermark_box(i * 12 * media.WATERMARK_HOLD_S, width=720, height=1280, fps=12, text=TEXT)
        for i in range(4)
    }
    assert len(boxes) == 4


def test_moving_mark_with_handle_survives_a_crop_of_any_corner(rendered):
    """The mark carries the @handle and visits all four corners even in a 2 s clip; after the one
    encode, cutting away 20% of the width and height at any corner still leaves frames where the
    whole mark stands inside the crop and is plainly there."""
    frames = rendered.frames.copy()
    media.burn_watermark(frames, fps=12, text=TEXT, handle="river_painter")
    data = media.encode_mp4(frames, rendered.audio, sample_rate=rendered.sample_rate, fps=12)
    decoded = media.decode_frames(data).astype(int)
    raw = rendered.frames.astype(int)
    boxes = [
        media.watermark_box(i, width=144, height=256, fps=12, text=TEXT, handle="river_painter", frames=24)
        for i in range(24)
    ]
    assert len({(b.x0, b.y0) for b in boxes}) == 4
    assert boxes[0].x1 - boxes[0].x0 <= 0.6 * 144
    plain = rendered.frames.copy()
    media.burn_watermark(plain, fps=12, text=TEXT)
    assert not np.array_equal(plain, frames)  # the handle is in the mark
    w, h = 144, 256
    cx, cy = int(w * 0.2), int(h * 0.2)
    crops = {  # what stays after cutting 20% off the two sides meeting at each corner
        "top_left": (cx, cy, w, h),
        "top_right": (0, cy, w - cx, h),
        "bottom_right": (0, 0, w - cx, h - cy),
        "bottom_left": (cx, 0, w, h - cy),
    }
    for corner, (x0, y0, x1, y1) in crops.items():
        found = 0
        for i, box in enumerate(boxes):
            if not (box.x0 >= x0 and box.y0 >= y0 and box.x1 <= x1 and box.y1 <= y1):
                continue
            crop_marked = decoded[i, y0:y1, x0:x1]
            crop_raw = raw[i, y0:y1, x0:x1]
            bx, by = box.x0 - x0, box.y0 - y0
            region = (slice(by, by + box.y1 - box.y0), slice(bx, bx + box.x1 - box.x0))
            diff = np.abs(crop_marked - crop_raw).mean(axis=2)
            if diff[region].mean() > 30:
                found += 1
        assert found >= 6, (corner, found)  # at least one whole corner hold


def test_encode_is_playable_h264_and_aac(rendered):
    """The encode is an MP4 with an H.264 video stream of every frame and an AAC audio stream."""
    data = media.encode_mp4(rendered.frames, rendered.audio, sample_rate=rendered.sample_rate, fps=12)
    info = media.probe_mp4(data)
    assert info["video"] == {"codec": "h264", "width": 144, "height": 256, "frames": 24}
    assert info["audio"]["codec"] == "aac"
    assert abs(info["duration_s"] - 2.0) < 0.2
    assert media.decode_frames(data).shape == (24, 256, 144, 3)


def test_c2pa_manifest_reads_back_valid_and_trusted(rendered):
    """A signed video's manifest validates; with the development root as anchor it is Trusted."""
    data = media.encode_mp4(rendered.frames, rendered.audio, sample_rate=rendered.sample_rate, fps=12)
    signed = provenance.sign_mp4(data, title="a.mp4", job_id=99, cameo_ids=[5, 3])
    plain = provenance.read_manifest(signed)
    assert plain.validation_state in {"Valid", "Trusted"}
    trusted = provenance.read_manifest(
        signed, trust_anchors_pem=provenance.signing_material().trust_anchors_pem
    )
    assert trusted.validation_state == "Trusted"
    assert trusted.failures == []
    actions = trusted.assertion("c2pa.actions.v2")["actions"]
    assert actions[0]["action"] == "c2pa.created"
    assert actions[0]["digitalSourceType"] == provenance.TRAINED_ALGORITHMIC_MEDIA
    assert trusted.assertion(provenance.CAMEO_ASSERTION)["cameo_ids"] == ["3", "5"]


def test_tampered_video_fails_validation(rendered):
    """Changing one byte of the media after signing makes the manifest invalid."""
    data = media.encode_mp4(rendered.frames, rendered.audio, sample_rate=rendered.sample_rate, fps=12)
    signed = bytearray(provenance.sign_mp4(data, title="a.mp4", job_id=1, cameo_ids=[]))
    mdat = signed.find(b"mdat")
    signed[mdat + 200] ^= 0xFF
    report = provenance.read_manifest(bytes(signed))
    assert report.validation_state == "Invalid"


def test_remix_manifest_names_its_parent(rendered):
    """A remix's manifest has a parentOf ingredient carrying the parent's own manifest."""
    data = media.encode_mp4(rendered.frames, rendered.audio, sample_rate=rendered.sample_rate, fps=12)
    parent = provenance.sign_mp4(data, title="parent.mp4", job_id=1, cameo_ids=[])
    child = provenance.sign_mp4(
        data,
        title="child.mp4",
        job_id=2,
        cameo_ids=[],
        parent=provenance.ParentIngredient("parent.mp4", parent),
    )
    report = provenance.read_manifest(
        child, trust_anchors_pem=provenance.signing_material().trust_anchors_pem
    )
    assert report.validation_state == "Trusted"
    ingredients = report.manifest["ingredients"]
    assert [(i["title"], i["relationship"]) for i in ingredients] == [("parent.mp4", "parentOf")]
    assert ingredients[0]["active_manifest"] == provenance.read_manifest(parent).label


def test_development_chain_has_the_usages_c2pa_requires(tmp_path: Path):
    """The generated signer is an end-entity cert with digitalSignature and an allowed EKU, under a CA."""
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    provenance.generate_development_chain(tmp_path)
    leaf, intermediate = x509.load_pem_x509_certificates((tmp_path / "chain.pem").read_bytes())
    root = x509.load_pem_x509_certificate((tmp_path / "root.pem").read_bytes())
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    assert (
        ExtendedKeyUsageOID.EMAIL_PROTECTION
        in leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    )
    assert leaf.issuer == intermediate.subject
    assert intermediate.issuer == root.subject
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_configured_chain_is_used(settings, tmp_path: Path, rendered):
    """With C2PA_SIGN_CERT/KEY set, manifests are signed by that chain, trusted under its root."""
    provenance.generate_development_chain(tmp_path)
    settings.C2PA_SIGN_CERT = str(tmp_path / "chain.pem")
    settings.C2PA_SIGN_KEY = str(tmp_path / "signer.key")
    settings.C2PA_TRUST_ANCHORS = str(tmp_path / "root.pem")
    provenance.reset_signing_material()
    try:
        material = provenance.signing_material()
        assert not material.development
        data = media.encode_mp4(rendered.frames, rendered.audio, sample_rate=rendered.sample_rate, fps=12)
        signed = provenance.sign_mp4(data, title="a.mp4", job_id=1, cameo_ids=[])
        other_root = provenance.read_manifest(signed, trust_anchors_pem=(tmp_path / "root.pem").read_bytes())
        assert other_root.validation_state == "Trusted"
    finally:
        provenance.reset_signing_material()


def test_frame_descriptor_is_unit_length_and_tells_pictures_apart(rendered):
    """The fallback embedding is 64-d, unit length, deterministic, and differs between unlike frames."""
    a = media.frame_descriptor(rendered.frames[0])
    assert a.shape == (media.DESCRIPTOR_DIM,)
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert np.array_equal(a, media.frame_descriptor(rendered.frames[0]))
    blue = np.zeros_like(rendered.frames[0])
    blue[..., 2] = 255
    assert float(a @ media.frame_descriptor(blue)) < 0.9
