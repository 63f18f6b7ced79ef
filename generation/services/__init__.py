"""Writes of the generation app: one function per state change (`<entity>_<action>`, keyword-only).

Which module holds what (everything is re-exported here; callers import from
`generation.services`):

- `transitions`: `job_transition` (the only move of one job, through
  `JOB_MACHINE`), `jobs_cancel_where` (set-based cancel), `error_entry`,
  `announce_finished`.
- `submit`: `job_submit` (validation, inputs, consent, quotas, the queued row).
- `quotas`: `quota_limits`, `quotas_check`, `quota_cost` (units a clip's length costs).
- `jobs`: `job_cancel` and `job_appeal` (the owner), `job_claim_for_publish` (for the feed).
- `removal`: cancelling for revoked or deleted cameos, `outputs_remove`,
  `jobs_remove_for_account`.
- `receivers`: receivers of other apps' signals (`on_*`).
- `uploads`: stills for image-to-video (`upload_create`, `upload_decode`,
  `upload_mark`, `uploads_reconcile`).
- `reconcile`: `jobs_reconcile`.

Worker steps live in `generation.pipeline`; they call these. `IllegalTransition`
and `StaleTransition` are the common engine's (`sora_social.common.states`),
re-exported for callers that catch them.
"""

from generation.services.jobs import job_appeal, job_cancel, job_claim_for_publish
from generation.services.quotas import quota_cost, quota_limits, quotas_check
from generation.services.receivers import (
    on_account_deleted,
    on_appearance_removed,
    on_cameo_access_revoked,
    on_cameo_deleted,
    on_cameo_use_decided,
    on_content_actioned,
)
from generation.services.reconcile import jobs_reconcile
from generation.services.removal import (
    jobs_cancel_for_deleted_cameo,
    jobs_cancel_for_revoked_cameo,
    jobs_remove_for_account,
    outputs_remove,
)
from generation.services.submit import ASPECT_SIZES, PROMPT_MAX, job_submit
from generation.services.transitions import (
    MAX_ERRORS_KEPT,
    announce_finished,
    error_entry,
    job_transition,
    jobs_cancel_where,
)
from generation.services.uploads import (
    upload_create,
    upload_decode,
    upload_decode_attempt_start,
    upload_mark,
    uploads_reconcile,
)
from sora_social.common.states import IllegalTransition, StaleTransition

__all__ = [
    "ASPECT_SIZES",
    "MAX_ERRORS_KEPT",
    "PROMPT_MAX",
    "IllegalTransition",
    "StaleTransition",
    "announce_finished",
    "error_entry",
    "job_appeal",
    "job_cancel",
    "job_claim_for_publish",
    "job_submit",
    "job_transition",
    "jobs_cancel_for_deleted_cameo",
    "jobs_cancel_for_revoked_cameo",
    "jobs_cancel_where",
    "jobs_reconcile",
    "jobs_remove_for_account",
    "on_account_deleted",
    "on_appearance_removed",
    "on_cameo_access_revoked",
    "on_cameo_deleted",
    "on_cameo_use_decided",
    "on_content_actioned",
    "outputs_remove",
    "quota_cost",
    "quota_limits",
    "quotas_check",
    "upload_create",
    "upload_decode",
    "upload_decode_attempt_start",
    "upload_mark",
    "uploads_reconcile",
]
