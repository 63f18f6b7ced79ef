"""The generation job's states and the one declared table of legal transitions.

Nothing else in the app decides which move is legal: `services.job_transition`
consults `TRANSITIONS` under a row lock. A job moves forward through the
pipeline; the only backward move is to `waiting_for_gpu` (and `queued` before
any GPU time), taken by the reconciler when the worker holding a job is lost,
since rendered frames live only in that worker's memory.
"""

from __future__ import annotations

from django.db import models


class JobState(models.TextChoices):
    QUEUED = "queued"
    CHECKING_PROMPT = "checking_prompt"
    # A cast cameo's owner asked to approve each use: the job waits for them,
    # after the prompt checks and before any GPU time.
    NEEDS_APPROVAL = "needs_approval"
    WAITING_FOR_GPU = "waiting_for_gpu"
    RENDERING = "rendering"
    CHECKING_OUTPUT = "checking_output"
    FINISHING = "finishing"
    READY = "ready"
    BLOCKED = "blocked"
    FAILED = "failed"
    CANCELLED = "cancelled"


S = JobState

TERMINAL: frozenset[str] = frozenset({S.READY, S.BLOCKED, S.FAILED, S.CANCELLED})
ACTIVE: frozenset[str] = frozenset(set(S.values) - TERMINAL)
# States whose work lives only in a worker's memory: losing that worker sends
# the job back to waiting_for_gpu.
IN_WORKER: frozenset[str] = frozenset({S.RENDERING, S.CHECKING_OUTPUT, S.FINISHING})
# States in which a job waits for a person, not a worker: the reconciler leaves them alone.
WAITING_FOR_PERSON: frozenset[str] = frozenset({S.NEEDS_APPROVAL})

_ENDINGS = {S.CANCELLED, S.FAILED}

TRANSITIONS: dict[str, frozenset[str]] = {
    S.QUEUED: frozenset({S.CHECKING_PROMPT, *_ENDINGS}),
    S.CHECKING_PROMPT: frozenset({S.WAITING_FOR_GPU, S.NEEDS_APPROVAL, S.BLOCKED, S.QUEUED, *_ENDINGS}),
    S.NEEDS_APPROVAL: frozenset({S.WAITING_FOR_GPU, S.BLOCKED, *_ENDINGS}),
    S.WAITING_FOR_GPU: frozenset({S.RENDERING, *_ENDINGS}),
    S.RENDERING: frozenset({S.CHECKING_OUTPUT, S.WAITING_FOR_GPU, *_ENDINGS}),
    S.CHECKING_OUTPUT: frozenset({S.FINISHING, S.BLOCKED, S.WAITING_FOR_GPU, *_ENDINGS}),
    S.FINISHING: frozenset({S.READY, S.BLOCKED, S.WAITING_FOR_GPU, *_ENDINGS}),
    S.READY: frozenset(),
    S.BLOCKED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}

# What the app shows as overall progress when a job enters a state; rendering
# moves between its bounds as the backend reports.
PROGRESS_AT: dict[str, float] = {
    S.QUEUED: 0.0,
    S.CHECKING_PROMPT: 0.02,
    S.NEEDS_APPROVAL: 0.04,
    S.WAITING_FOR_GPU: 0.05,
    S.RENDERING: 0.08,
    S.CHECKING_OUTPUT: 0.8,
    S.FINISHING: 0.88,
    S.READY: 1.0,
}
RENDER_PROGRESS_SPAN = (PROGRESS_AT[S.RENDERING], PROGRESS_AT[S.CHECKING_OUTPUT])


def can_move(source: str, target: str) -> bool:
    return target in TRANSITIONS.get(source, frozenset())
