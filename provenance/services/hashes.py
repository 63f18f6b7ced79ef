"""Hashing what we make and take in, on the media worker, and storing the hashes.

- `output_hash`: a ready job's video (vPDQ per second, its central-90 % crop
  variant, the audio fingerprint) and poster (PDQ), then the banks;
- `recording_hash`: a verified cameo's enrolment recording, then the banks;
- `upload_screen`: an uploaded still (PDQ), then the banks; called by
  generation's upload screen hook before the still becomes usable, so a
  `block` bank rejects it (`hash_bank_match`).

Storing is idempotent: a retried task replaces the item's rows.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction

from cameos.selectors import cameo_recording
from generation.selectors import job_output
from provenance import audio, hashing
from provenance.models import (
    BLOCK,
    CROP90,
    ENROLMENT,
    ORIGINAL,
    OUTPUT,
    POSTER,
    UPLOAD,
    AudioKey,
    FrameHash,
    MediaHash,
)
from provenance.services.banks import bank_hits_record, banks_match

BANK_REJECTION = "hash_bank_match"


@transaction.atomic
def media_hash_save(
    *,
    kind: str,
    object_id: int,
    owner_id: int | None,
    md5: str,
    frames: dict[str, list[hashing.FrameHash]],
    audio_values: object = None,
    duration_s: float = 0.0,
) -> MediaHash:
    """Replace the item's stored hashes with these (one row per frame hash, one per audio key)."""
    MediaHash.objects.filter(kind=kind, object_id=object_id).delete()
    values = audio_values if audio_values is not None and len(audio_values) else None  # type: ignore[arg-type]
    media = MediaHash.objects.create(
        kind=kind,
        object_id=object_id,
        owner_id=owner_id,
        md5=md5,
        duration_s=duration_s,
        audio=audio.to_bytes(values) if values is not None else None,  # type: ignore[arg-type]
    )
    FrameHash.objects.bulk_create(
        [
            FrameHash(media=media, second=f.second, variant=variant, quality=f.quality, hash=f.bits)
            for variant, hashes in frames.items()
            for f in hashes
        ]
    )
    if values is not None:
        AudioKey.objects.bulk_create([AudioKey(media=media, value=v) for v in audio.keys(values)])  # type: ignore[arg-type]
    return media


def video_frames_for_storage(data: bytes) -> tuple[hashing.VideoHashes, list[hashing.FrameHash]]:
    """The video's hashes and the hashes of its central 90 % (what a 10 % crop leaves)."""
    hashes = hashing.video_hashes(data)
    crops = hashing.crop_hashes(data)
    return hashes, crops


def _hash_video(
    *, kind: str, object_id: int, owner_id: int | None, data: bytes, poster: bytes | None
) -> MediaHash:
    hashes, crops = video_frames_for_storage(data)
    frames = {ORIGINAL: hashes.frames, CROP90: crops}
    if poster:
        frames[POSTER] = [hashing.image_hashes(hashing.decode_image(poster))["original"]]
    media = media_hash_save(
        kind=kind,
        object_id=object_id,
        owner_id=owner_id,
        md5=hashing.md5(data),
        frames=frames,
        audio_values=hashes.audio,
        duration_s=hashes.duration_s,
    )
    hits = banks_match(frames={k: [f.bits for f in v] for k, v in frames.items()}, md5=media.md5)
    if hits:
        bank_hits_record(kind=kind, object_id=object_id, owner_id=owner_id, hits=hits)
    return media


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return bytes(handle.read())


def output_hash(*, job_id: int) -> MediaHash | None:
    """Hash a ready job's stored output; None when it is no longer ready or its files are gone."""
    output = job_output(job_id=job_id)
    if output is None or not output.video:
        return None
    try:
        data, poster = _read(output.video), _read(output.poster) if output.poster else None
    except FileNotFoundError:
        return None
    return _hash_video(kind=OUTPUT, object_id=job_id, owner_id=output.user_id, data=data, poster=poster)


def recording_hash(*, cameo_id: int) -> MediaHash | None:
    found = cameo_recording(cameo_id=cameo_id)
    if found is None:
        return None
    owner_id, data = found
    return _hash_video(kind=ENROLMENT, object_id=cameo_id, owner_id=owner_id, data=data, poster=None)


def upload_screen(*, upload_id: int, user_id: int, data: bytes) -> str | None:
    """Hash a decoded still, store it, match the banks; `hash_bank_match` when a block bank hit."""
    still = hashing.image_hashes(hashing.decode_image(data), variants=True)
    md5 = hashing.md5(data)
    media_hash_save(
        kind=UPLOAD, object_id=upload_id, owner_id=user_id, md5=md5, frames={ORIGINAL: [still["original"]]}
    )
    hits = banks_match(frames={k: [f.bits] for k, f in still.items()}, md5=md5)
    if not hits:
        return None
    bank_hits_record(kind=UPLOAD, object_id=upload_id, owner_id=user_id, hits=hits)
    return BANK_REJECTION if any(h.bank.action == BLOCK for h in hits) else None


def media_hashes_erase(*, kind: str, object_id: int) -> int:
    """Erase an item's hashes (a deleted cameo's recording is biometric data)."""
    deleted, _ = MediaHash.objects.filter(kind=kind, object_id=object_id).delete()
    return deleted


def media_hashes_erase_for_owner(*, owner_id: int) -> int:
    """Erase every hash of a member's items (account deletion), one statement."""
    deleted, _ = MediaHash.objects.filter(owner_id=owner_id).delete()
    return deleted
