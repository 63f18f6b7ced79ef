"""Reads of the provenance app. Selectors never write.

- `index`: `frame_neighbours` (HNSW Hamming search), `audio_neighbours`, `stored_media`,
  `active_banks`, `bank_entries`.
"""

from provenance.selectors.index import (
    Stored,
    active_banks,
    audio_neighbours,
    bank_entries,
    frame_neighbours,
    stored_media,
)

__all__ = [
    "Stored",
    "active_banks",
    "audio_neighbours",
    "bank_entries",
    "frame_neighbours",
    "stored_media",
]
