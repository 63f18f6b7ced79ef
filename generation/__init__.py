"""Generation: jobs and their state machine, backends, the media pipeline (encode, watermark, C2PA, storage).

May import: accounts, moderation, cameos.

Module map:

- `models/`: `GenerationJob` (+ `OutputFrameEmbedding`) in `jobs`, `ImageUpload` in `uploads`.
- `states`: `JobState`, `JOB_MACHINE` (the declared moves), `TERMINAL`/`ACTIVE`/`IN_WORKER`,
  progress per state.
- `services/`: every write (package; see its docstring): `transitions` (`job_transition`,
  set-based cancel), `submit`, `quotas`, `jobs` (cancel, appeal, claim for publish), `removal`,
  `receivers` (other apps' signals), `uploads`, `reconcile`.
- `selectors/`: reads (`jobs`: a member's jobs, a ready job's output, media names).
- `presenters`: API bodies and WebSocket events (`job_out`, `upload_out`, `*_event`).
- `pipeline`: the worker steps (`job_advance`, `job_render`); `finishing`: the last
  step of a render (encode, sign, store, `ready`).
- `checks`: the ordered check steps (prompt, output, store) calling cameos and moderation.
- `dialogue`: the spoken or sung lines of a prompt (pure), checked one by one.
- `backends/`: the render backend registry, its interface, the procedural, diffusers (Wan,
  LTX, LTX-2) and remote `/v1/videos` backends, fitting to the product's frame, storyboards,
  the audio stage and toy pipelines for tests and the bench.
- `media` (encode, watermark, poster, descriptors), `provenance` (C2PA), `images`
  (upload header probe and bounded decode).
- `remix`: the remix-source resolver the feed registers; `signals`: `generation_finished`.
- `subjects`: generation as a moderation subject; `health`: readiness checks.
- `api/`: the HTTP endpoints; `tasks`: the Celery tasks; `admin`; `seeding`: the demo storyboard.
"""
