"""Provenance: where a clip came from after its metadata is gone, and known-bad media stopped.

Sits between generation and feed: it reads generation (outputs, C2PA), cameos
(enrolment recordings) and moderation (cases), and learns about posts through
the resolver the feed registers (`registry`).

Module map:
- `hashing`: PDQ, vPDQ semantics over pdqhash, MD5, variants (flip, unboxed, 90 % crop);
- `audio`: our spectral band-difference audio fingerprint;
- `formats`: ThreatExchange hash-list files (pdq / vpdq / md5 lines);
- `robustness`: the transformations tests and the benchmark apply;
- `models`: `MediaHash`, `FrameHash` (bit(256), HNSW Hamming), `AudioKey`, `HashBank`,
  `BankEntry`, `BankMatch`;
- `services/`: hashing on the media worker, bank matching and import/export, the lookup;
- `selectors/`: the index reads;
- `registry`: the feed's post resolver; `subjects`: a bank match as a moderation subject;
- `api/`: `POST /api/v1/provenance/lookup`; `web`: the public `/verify` page; `throttles`;
- `presenters`, `tasks`, `receivers`, `admin`, `seeding` (demo banks).
"""
