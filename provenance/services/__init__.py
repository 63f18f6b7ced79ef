"""Writes of the provenance app (and the lookup, which reads the index and writes nothing).

- `hashes`: `output_hash`, `recording_hash`, `upload_screen` (hash on the media
  worker, store, match the banks), `media_hash_save`, `media_hashes_erase`, `media_hashes_erase_for_owner`, `BANK_REJECTION`;
- `banks`: `banks_match`, `bank_hits_record`, `bank_import`, `bank_export`, `banks_add_media`, `banks_add_removed`;
- `lookup`: `provenance_lookup` (C2PA first, then hashes), `Answer`, `Match`.
"""

from provenance.services.banks import (
    bank_export,
    bank_hits_record,
    bank_import,
    banks_add_media,
    banks_add_removed,
    banks_match,
)
from provenance.services.hashes import (
    BANK_REJECTION,
    media_hash_save,
    media_hashes_erase,
    media_hashes_erase_for_owner,
    output_hash,
    recording_hash,
    upload_screen,
)
from provenance.services.lookup import Answer, Match, provenance_lookup

__all__ = [
    "BANK_REJECTION",
    "Answer",
    "Match",
    "bank_export",
    "bank_hits_record",
    "bank_import",
    "banks_add_media",
    "banks_add_removed",
    "banks_match",
    "media_hash_save",
    "media_hashes_erase",
    "media_hashes_erase_for_owner",
    "output_hash",
    "provenance_lookup",
    "recording_hash",
    "upload_screen",
]
