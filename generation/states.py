"""The generation job's states and its one declared machine, `JOB_MACHINE`.

Nothing else in the app decides which move is legal: `services.job_transition`
moves a job through `sora_social.common.states.transition` with this machine. A job moves forward through the
pipeline; the only backward move is to `waiting_for_gpu` (and `queued` before
any GPU time), taken by the reconciler when the worker holding a job is lost,
since rendered frames live only in that worker's memory.
"""

from __future__ import annotations

from django.db import models

from sora_social.common.states import Machine


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

_ENDINGS = {S.CANCELLED, S.FAILED}

JOB_MACHINE = Machine(
    name="generation.job",
    states=JobState,
    initial=S.QUEUED,
    moves={
        S.QUEUED: {S.CHECKING_PROMPT, *_ENDINGS},
        S.CHECKING_PROMPT: {S.WAITING_FOR_GPU, S.NEEDS_APPROVAL, S.BLOCKED, S.QUEUED, *_ENDINGS},
        S.NEEDS_APPROVAL: {S.WAITING_FOR_GPU, S.BLOCKED, *_ENDINGS},
        S.WAITING_FOR_GPU: {S.RENDERING, *_ENDINGS},
        S.RENDERING: {S.CHECKING_OUTPUT, S.WAITING_FOR_GPU, *_ENDINGS},
        S.CHECKING_OUTPUT: {S.FINISHING, S.BLOCKED, S.WAITING_FOR_GPU, *_ENDINGS},
        S.FINISHING: {S.READY, S.BLOCKED, S.WAITING_FOR_GPU, *_ENDINGS},
        S.READY: set(),
        S.BLOCKED: set(),
        S.FAILED: set(),
        S.CANCELLED: set(),
    },
    terminal={S.READY, S.BLOCKED, S.FAILED, S.CANCELLED},
)

TERMINAL: frozenset[str] = JOB_MACHINE.finals
ACTIVE: frozenset[str] = frozenset(set(S.values) - TERMINAL)
# States whose work lives only in a worker's memory: losing that worker sends
# the job back to waiting_for_gpu.
IN_WORKER: frozenset[str] = frozenset({S.RENDERING, S.CHECKING_OUTPUT, S.FINISHING})
# States in which a job waits for a person, not a worker: the reconciler leaves them alone.
WAITING_FOR_PERSON: frozenset[str] = frozenset({S.NEEDS_APPROVAL})

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
