"""Hash banks: matching media against them, recording and acting on hits, filling them.

A bank matches when one of its entries is within the bank's PDQ distance
threshold: a PDQ entry against any hash of the item (a still, a video's
frames, their flipped and unboxed variants), a vPDQ entry by vPDQ's rule (80 %
of the item's frames each within the threshold of some entry frame; for a
still, the still against any entry frame, which is how a frame of a removed
video re-uploaded as an image-to-video still is caught), an MD5 entry by the
exact bytes. A hit is dropped when the bank's negative bank matches the item
too (at the negative bank's own threshold): HMA's "do not match" list.

Each kept hit becomes a `BankMatch` and opens a moderation case on it
(subject kind `hash_match`, which renders the match); a bank whose action is
`block` also removes the item through moderation (outputs and enrolments), or
rejects it (image uploads, by the screen's answer).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from moderation.services import case_open_automated, subject_act_automated
from provenance import formats, hashing
from provenance.models import BLOCK, MD5, PDQ, VPDQ, BankEntry, BankMatch, FrameHash, HashBank, MediaHash
from provenance.registry import job_of_post
from provenance.selectors import active_banks, bank_entries

SUBJECT_OF = {"output": "generation", "enrolment": "cameo"}


@dataclass(frozen=True)
class Hit:
    bank: HashBank
    entry: BankEntry
    distance: int


def _entry_distance(
    entry: BankEntry, query: np.ndarray, md5: str, threshold: int, *, video: bool
) -> int | None:
    """The entry's distance to the item when within `threshold`, else None."""
    if entry.signal_type == MD5:
        return 0 if entry.value == md5 else None
    if entry.signal_type == PDQ and entry.pdq:
        d = (
            int(hashing.hamming_matrix(query, hashing.bits_to_array([entry.pdq])).min())
            if len(query)
            else 999
        )
        return d if d <= threshold else None
    if entry.signal_type == VPDQ and entry.frames:
        distances = hashing.hamming_matrix(query, hashing.bits_to_array(list(entry.frames)))
        if distances.size == 0:
            return None
        best = distances.min(axis=1)
        if not video:
            return int(best.min()) if best.min() <= threshold else None
        share = 100.0 * float((best <= threshold).mean())
        return int(np.median(best)) if share >= hashing.QUERY_MATCH_PCT else None
    return None


def _best(
    bank: HashBank, entries: list[BankEntry], query: np.ndarray, md5: str, *, video: bool
) -> Hit | None:
    found: Hit | None = None
    for entry in entries:
        d = _entry_distance(entry, query, md5, bank.threshold, video=video)
        if d is not None and (found is None or d < found.distance):
            found = Hit(bank=bank, entry=entry, distance=d)
    return found


def banks_match(*, frames: dict[str, list[str]], md5: str) -> list[Hit]:
    """The active banks the item matches (negative banks applied); `frames` maps a variant
    ("original", "flipped", "unboxed", "crop90") to its PDQ bit strings."""
    banks = active_banks()
    if not banks:
        return []
    ids = {b.id for b in banks} | {b.negative_id for b in banks if b.negative_id}
    by_bank: dict[int, list[BankEntry]] = {}
    for entry in bank_entries(sorted(ids)):
        by_bank.setdefault(entry.bank_id, []).append(entry)
    video = len(frames.get("original", [])) > 1
    queries = [hashing.bits_to_array(bits) for bits in frames.values() if bits]
    hits = []
    for bank in banks:
        hit = min(
            (h for q in queries if (h := _best(bank, by_bank.get(bank.id, []), q, md5, video=video))),
            key=lambda h: h.distance,
            default=None,
        )
        if hit is None and md5:
            hit = _best(
                bank,
                [e for e in by_bank.get(bank.id, []) if e.signal_type == MD5],
                np.zeros((0, 32), np.uint8),
                md5,
                video=video,
            )
        if hit is None:
            continue
        negative = bank.negative
        if negative is not None and any(
            _best(negative, by_bank.get(negative.id, []), q, md5, video=video) for q in queries
        ):
            continue  # "do not match": a known false positive of this bank
        hits.append(hit)
    return hits


@transaction.atomic
def bank_hits_record(*, kind: str, object_id: int, owner_id: int | None, hits: list[Hit]) -> list[BankMatch]:
    """One `BankMatch` and one case per hit; `block` banks remove outputs and enrolments."""
    recorded = []
    for hit in hits:
        match = BankMatch.objects.create(
            bank=hit.bank,
            entry=hit.entry,
            kind=kind,
            object_id=object_id,
            owner_id=owner_id,
            signal_type=hit.entry.signal_type,
            distance=hit.distance,
            action=hit.bank.action,
        )
        reason = (
            f"{kind} {object_id} matched bank {hit.bank.name!r} entry #{hit.entry.pk} "
            f"({hit.entry.signal_type}, distance {hit.distance} <= {hit.bank.threshold})"
        )
        case = case_open_automated(
            kind="hash_match",
            object_id=match.pk,
            category=hit.bank.category or "other",
            source="hash_bank",
            reason=reason,
        )
        match.case_id = case.pk
        match.save(update_fields=["case_id"])
        if hit.bank.action == BLOCK and kind in SUBJECT_OF:
            subject_act_automated(
                case=case, kind=SUBJECT_OF[kind], object_id=object_id, action="remove", reason=reason
            )
        recorded.append(match)
    return recorded


def _key(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _entry_defaults(signal: formats.Signal, *, source: str) -> dict[str, object]:
    return {
        "pdq": signal.pdq_bits,
        "frames": list(signal.frames),
        "note": signal.note[:200],
        "source": source,
    }


@transaction.atomic
def bank_import(*, bank: HashBank, text: str, source: str = "import") -> dict[str, int]:
    """Add every signal of a ThreatExchange-format file (all or nothing); duplicates are skipped."""
    signals = formats.parse(text)
    added = _entries_add(bank, signals, source=source)
    return {"added": added, "skipped": len(signals) - added}


def _entries_add(bank: HashBank, signals: list[formats.Signal], *, source: str) -> int:
    """Add the signals a bank does not hold yet; how many were new."""
    added = 0
    for signal in signals:
        _, created = BankEntry.objects.get_or_create(
            bank=bank,
            signal_type=signal.signal_type,
            value_key=_key(signal.value),
            defaults={**_entry_defaults(signal, source=source), "value": signal.value},
        )
        added += int(created)
    return added


def bank_export(*, bank: HashBank) -> str:
    rows = bank.entries.order_by("id").values_list("signal_type", "value", "note")
    return formats.dump([(t, v, n) for t, v, n in rows])


@transaction.atomic
def banks_add_media(*, media: MediaHash, category: str | None, source: str) -> int:
    """Put a removed item's hashes into every auto-filled bank of its category (or of any)."""
    candidates = HashBank.objects.filter(active=True, is_negative=False, auto_add_removed=True)
    banks = [b for b in candidates if not b.category or b.category == category]
    if not banks:
        return 0
    frames = list(
        FrameHash.objects.filter(media=media, variant="original")
        .order_by("second")
        .values_list("hash", flat=True)
    )
    poster = list(FrameHash.objects.filter(media=media, variant="poster").values_list("hash", flat=True))
    signals = [formats.Signal(MD5, media.md5)]
    if len(frames) > 1:
        signals.append(formats.Signal(VPDQ, formats.vpdq_json(frames), frames=tuple(frames)))
    for bits in (frames[:1] if len(frames) == 1 else []) + poster:
        signals.append(formats.Signal(PDQ, hashing.bits_to_hex(bits), pdq_bits=bits))
    return sum(_entries_add(bank, signals, source=source) for bank in banks)


def banks_add_removed(*, kind: str, object_id: int, category: str) -> int:
    """A removed item (a job, a post, a cameo) into the auto-filled banks; 0 when never hashed."""
    if kind == "post":
        job_id = job_of_post(post_id=object_id)
        if job_id is None:
            return 0
        kind, object_id = "generation", job_id
    media_kind = {"generation": "output", "cameo": "enrolment"}[kind]
    media = MediaHash.objects.filter(kind=media_kind, object_id=object_id).first()
    if media is None:
        return 0
    return banks_add_media(media=media, category=category, source=f"removal:{kind}:{object_id}")
