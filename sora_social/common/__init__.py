"""Shared helpers for every app: ids, errors, API plumbing, events, health, workers.

No domain logic lives here; nothing here imports a domain app (only accounts,
for who is signed in: `ws_auth`, `consumers`).

- `states`: the one state-machine engine (`Machine`, `transition`, `bulk_transition`).
- `tasks`: `enqueue_on_commit` (tasks enqueued by registered name).
- `errors`: `ApplicationError` and the uniform error body, and 503 `service_unavailable`
  when Redis or the database is unreachable; `limits`: body limits (413).
- `renderers` / `parsers`: orjson out and in; `pagination`: the one cursor pagination.
- `schema`: the OpenAPI conventions; `api/`: the API view base, diagnostics.
- `ids`: snowflake ids; `db`: prepared statements; `fields`: strict JSON fields.
- `events`, `channel_layer`, `consumers`, `ws_auth`: per-member WebSocket events.
- `storage`, `media`, `media_views`: media files and signed URLs.
- `web`: the web pages' plumbing (HTML errors, CSP, absolute URLs) and the app-link files.
- `health`: `/healthz` and `/readyz`; `checks`: refusals to run production unsafely.
- `worker`: the in-process Celery worker; `throttles`, `logs`, `seeding`, `admin_actions`,
  `secret_file`; `redis_config` (layer settings, retries), `cache` (one Redis pool per process).
"""
