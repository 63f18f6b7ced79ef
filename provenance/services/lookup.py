"""Where did this clip come from? C2PA first, then hashes and the audio fingerprint.

1. A video carrying a C2PA manifest that validates and names our generator
   (and a generation id) is answered from the manifest: the file says so itself.
2. Otherwise the upload is hashed like stored media (plus its mirror and its
   picture without bars), candidates come from the HNSW frame index and the
   audio keys, and each candidate is verified: vPDQ's rule on the frames
   (best over the query's variants against the stored original and crop),
   the audio's bit error rate at its best alignment. A still is matched by
   PDQ against every stored frame and poster.
3. Matches are outputs (jobs); the feed's resolver turns them into posts the
   caller may see. A member or an anonymous visitor hears only about visible
   posts (a match on a draft or a removed post answers like no match: rule
   10); staff hear about every match, drafts and removed content included.

Nothing of the upload is stored: it lives in memory for the request.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from generation.provenance import CAMEO_ASSERTION, GENERATOR, read_manifest, signing_material
from provenance import audio, hashing
from provenance.models import CROP90, ORIGINAL, OUTPUT
from provenance.registry import PostRef, posts_of_jobs
from provenance.selectors import audio_neighbours, frame_neighbours, stored_media

TRUSTED = "Trusted"


@dataclass
class Match:
    job_id: int
    confidence: float
    signals: list[str]
    detail: dict[str, float] = field(default_factory=dict)
    post: PostRef | None = None


@dataclass
class Answer:
    method: str  # "c2pa", "hashes" or "none"
    matches: list[Match]
    media: str  # "video" or "image"


def _is_image(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format in {"JPEG", "PNG", "WEBP"}
    except Exception:
        return False


def _from_manifest(data: bytes) -> int | None:
    """The generation id of a manifest of ours, else None (no manifest, invalid, not ours).

    Ours means `Trusted` against our own signing chain's trust anchors: a manifest
    that merely names our generator, signed by anyone else, is only `Valid` (its
    signer untrusted) and is ignored, so the hashes decide.
    """
    try:
        report = read_manifest(data, trust_anchors_pem=signing_material().trust_anchors_pem)
    except Exception:  # no manifest, or bytes c2pa cannot read
        return None
    if report.validation_state != TRUSTED or report.failures:
        return None
    generators = report.manifest.get("claim_generator_info") or []
    if not any(isinstance(g, dict) and g.get("name") == GENERATOR for g in generators):
        return None
    claim = report.assertion(CAMEO_ASSERTION) or {}
    try:
        return int(claim.get("generation_id", ""))
    except (TypeError, ValueError):
        return None


def _video_matches(data: bytes) -> list[Match]:
    query = hashing.video_hashes(data, variants=True)
    variants = {"original": [f.bits for f in query.frames]} | {
        k: [f.bits for f in v] for k, v in query.variants.items()
    }
    every = [b for bits in variants.values() for b in bits]
    ids = set(frame_neighbours(every, max_distance=hashing.DISTANCE_MAX, kinds=(OUTPUT,)))
    if query.audio is not None:
        ids |= set(audio_neighbours(query.audio, kinds=(OUTPUT,)))
    found = []
    for stored in stored_media(sorted(ids)):
        pct = max(
            (
                hashing.vpdq_match(q, stored.frames.get(v, []))[0]
                for q in variants.values()
                for v in (ORIGINAL, CROP90)
            ),
            default=0.0,
        )
        signals, detail = [], {"vpdq_query_match_pct": round(pct, 1)}
        picture = pct / 100.0 if pct >= hashing.QUERY_MATCH_PCT else 0.0
        if picture:
            signals.append("vpdq")
        sound = 0.0
        if query.audio is not None and stored.audio is not None:
            ber, seconds = audio.match(query.audio, stored.audio)
            detail |= {"audio_bit_error_rate": round(ber, 3), "audio_overlap_s": round(seconds, 1)}
            if ber <= audio.BER_MAX:
                signals.append("audio")
                sound = min(1.0, max(0.0, 1.0 - ber / 0.5))
        if signals:
            confidence = 1.0 - (1.0 - picture) * (1.0 - sound)
            found.append(
                Match(
                    job_id=stored.object_id, confidence=round(confidence, 3), signals=signals, detail=detail
                )
            )
    return found


def _image_matches(data: bytes) -> list[Match]:
    still = hashing.image_hashes(hashing.decode_image(data), variants=True)
    bits = [f.bits for f in still.values()]
    near = frame_neighbours(bits, max_distance=hashing.DISTANCE_MAX, kinds=(OUTPUT,))
    by_media = {s.media_id: s for s in stored_media(sorted(near))}
    return [
        Match(
            job_id=by_media[m].object_id,
            confidence=round(1.0 - d / 128.0, 3),
            signals=["pdq"],
            detail={"pdq_distance": float(d)},
        )
        for m, d in near.items()
        if m in by_media
    ]


def provenance_lookup(*, data: bytes, viewer: Any, staff: bool) -> Answer:
    """Answer where `data` (a video or a still) came from, for this caller."""
    if _is_image(data):
        media, matches, method = "image", _image_matches(data), "hashes"
    else:
        job_id = _from_manifest(data)
        if job_id is not None:
            media, matches, method = "video", [Match(job_id=job_id, confidence=1.0, signals=["c2pa"])], "c2pa"
        else:
            media, matches, method = "video", _video_matches(data), "hashes"
    best: dict[int, Match] = {}
    for m in matches:
        if m.job_id not in best or m.confidence > best[m.job_id].confidence:
            best[m.job_id] = m
    posts = posts_of_jobs(job_ids=sorted(best), viewer=viewer, staff=staff)
    kept = []
    for m in sorted(best.values(), key=lambda m: -m.confidence):
        m.post = posts.get(m.job_id)
        if staff or m.post is not None:
            kept.append(m)
    return Answer(method=method if kept else "none", matches=kept, media=media)
