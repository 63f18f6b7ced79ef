"""Stored hashes of everything we made or took in, the hash banks, and their matches.

`MediaHash` is one hashed item (an output, an image upload, an enrolment
recording), `FrameHash` its PDQ hashes (one per second for video, variant
`original` and `crop90`; one for a still or a poster) in a pgvector `bit(256)`
column under an HNSW index for Hamming distance, and `AudioKey` the distinct
sub-fingerprints of its sound under a btree, for candidates by exact value.

`HashBank` holds known-bad hashes (`BankEntry`: PDQ, vPDQ or MD5), each bank
with its action, its distance threshold and its negative ("do not match")
bank. `BankMatch` records each hit and the case it opened.
"""

from __future__ import annotations

from django.db import models
from pgvector.django import BitField, HnswIndex

OUTPUT, UPLOAD, ENROLMENT = "output", "upload", "enrolment"
MEDIA_KINDS = [(OUTPUT, "Generated output"), (UPLOAD, "Image upload"), (ENROLMENT, "Enrolment recording")]
ORIGINAL, CROP90, POSTER = "original", "crop90", "poster"
PDQ, VPDQ, MD5 = "pdq", "vpdq", "md5"
SIGNAL_TYPES = [(PDQ, "PDQ"), (VPDQ, "vPDQ"), (MD5, "MD5")]
BLOCK, REVIEW = "block", "review"


class MediaHash(models.Model):
    kind = models.CharField(max_length=12, choices=MEDIA_KINDS)
    object_id = models.BigIntegerField(help_text="The job, upload or cameo id.")
    owner_id = models.BigIntegerField(null=True, blank=True)
    md5 = models.CharField(max_length=32, db_index=True)
    duration_s = models.FloatField(default=0.0)
    audio = models.BinaryField(null=True, blank=True, help_text="uint32 sub-fingerprints, little-endian.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="provenance_media_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class FrameHash(models.Model):
    media = models.ForeignKey(MediaHash, on_delete=models.CASCADE, related_name="frames")
    second = models.IntegerField(default=0)
    variant = models.CharField(max_length=10, default=ORIGINAL)
    quality = models.SmallIntegerField(default=100)
    hash = BitField(length=256)

    class Meta:
        indexes = [
            HnswIndex(
                name="provenance_frame_hnsw",
                fields=["hash"],
                m=16,
                ef_construction=64,
                opclasses=["bit_hamming_ops"],
            ),
            models.Index(fields=["media", "variant", "second"], name="provenance_frame_media"),
        ]

    def __str__(self) -> str:
        return f"{self.media_id} {self.variant} @{self.second}s"


class AudioKey(models.Model):
    media = models.ForeignKey(MediaHash, on_delete=models.CASCADE, related_name="audio_keys")
    value = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["value"], name="provenance_audio_value")]

    def __str__(self) -> str:
        return f"{self.media_id}: {self.value}"


class HashBank(models.Model):
    name = models.CharField(max_length=80, unique=True)
    category = models.CharField(
        max_length=32, blank=True, help_text="Case category; removed content of it is added automatically."
    )
    action = models.CharField(
        max_length=8, choices=[(BLOCK, "Block"), (REVIEW, "Send to review")], default=BLOCK
    )
    threshold = models.PositiveSmallIntegerField(
        default=31, help_text="Largest PDQ Hamming distance (0-256)."
    )
    active = models.BooleanField(default=True)
    is_negative = models.BooleanField(
        default=False, help_text="A 'do not match' bank: its hits suppress others."
    )
    negative = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guarded",
        limit_choices_to={"is_negative": True},
        help_text="Hashes here never match this bank (false positives).",
    )
    auto_add_removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class BankEntry(models.Model):
    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="entries")
    signal_type = models.CharField(max_length=6, choices=SIGNAL_TYPES)
    value = models.TextField(help_text="PDQ/MD5 hex, or vPDQ as threatexchange's JSON list.")
    value_key = models.CharField(max_length=64, help_text="SHA-256 of `value` (a vPDQ list is long).")
    pdq = BitField(length=256, null=True, blank=True)
    frames = models.JSONField(default=list, blank=True, help_text="vPDQ frame hashes as bit strings.")
    note = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=40, blank=True, help_text="import, removal:<kind>:<id>, admin")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bank", "signal_type", "value_key"], name="provenance_entry_once")
        ]
        indexes = [models.Index(fields=["signal_type", "value_key"], name="provenance_entry_value")]

    def __str__(self) -> str:
        return f"{self.signal_type} {self.value[:16]}"


class BankMatch(models.Model):
    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="matches")
    entry = models.ForeignKey(BankEntry, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=12, choices=MEDIA_KINDS)
    object_id = models.BigIntegerField()
    owner_id = models.BigIntegerField(null=True, blank=True)
    signal_type = models.CharField(max_length=6, choices=SIGNAL_TYPES)
    distance = models.IntegerField(default=0)
    action = models.CharField(max_length=8)
    case_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} matched {self.bank} ({self.signal_type} d={self.distance})"
