"""A generation job: one request for one video, and the row its state machine lives in.

The row is the truth about the job; Celery messages only nudge workers to look
at it. State moves only through `generation.services.job_transition`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from pgvector.django import VectorField

from generation.states import ACTIVE, JobState
from sora_social.common.ids import SnowflakeField

EMBEDDING_DIM = 64


class Mode(models.TextChoices):
    TEXT = "text"
    IMAGE = "image"
    REMIX = "remix"


class Aspect(models.TextChoices):
    PORTRAIT = "9:16"
    LANDSCAPE = "16:9"
    SQUARE = "1:1"


class GenerationJob(models.Model):
    Mode = Mode
    Aspect = Aspect
    State = JobState

    id = SnowflakeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_jobs"
    )
    mode = models.CharField(max_length=8, choices=Mode.choices)
    prompt = models.TextField()
    style = models.CharField(max_length=40, blank=True)
    seed = models.BigIntegerField()
    duration_s = models.PositiveSmallIntegerField()
    aspect = models.CharField(max_length=5, choices=Aspect.choices, default=Aspect.PORTRAIT)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    fps = models.PositiveSmallIntegerField()
    image_upload = models.ForeignKey(
        "generation.ImageUpload", null=True, blank=True, on_delete=models.PROTECT, related_name="jobs"
    )
    # A remix names its source post by id only: posts live in the feed app,
    # which sits to the right of generation (see generation.remix).
    remix_of_post_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    remix_parent_video = models.CharField(max_length=255, blank=True)
    remix_parent_title = models.CharField(max_length=200, blank=True)
    cameo_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    # A storyboard's shots in order, [{"prompt", "duration_s"}] (empty: one shot of `prompt`).
    storyboard = models.JSONField(default=list, blank=True)
    quota_cost = models.PositiveSmallIntegerField(
        default=1, help_text="Units of the daily quota this job spent (longer clips cost more)."
    )

    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    state_changed_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField(help_text="Last sign of life from whoever works on the job.")
    progress = models.FloatField(default=0.0)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Render attempts claimed so far.")
    errors = models.JSONField(default=list, blank=True, help_text="Every error met, oldest first.")
    blocked_reason = models.CharField(max_length=64, blank=True)
    checks = models.JSONField(default=dict, blank=True, help_text="What each check decided.")
    backend = models.CharField(max_length=100, blank=True)

    video = models.CharField(max_length=255, blank=True, help_text="Storage name of the signed MP4.")
    poster = models.CharField(max_length=255, blank=True)
    video_bytes = models.PositiveIntegerField(null=True, blank=True)
    manifest_label = models.CharField(max_length=120, blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIM, null=True, blank=True)
    embedding_model = models.CharField(max_length=60, blank=True)

    # Set when the output was taken down after it was made (a cameo owner
    # removed it, or moderation did); the files are gone, the row stays.
    output_removed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "generation_job"
        permissions = [("cancel_generation", "Can cancel members' unfinished generations")]
        indexes = [
            models.Index(fields=["user", "-id"], name="generation_job_user_recent"),
            # The reconciler and the quota read only unfinished jobs.
            models.Index(
                fields=["heartbeat_at"],
                name="generation_job_active_beat",
                condition=models.Q(state__in=sorted(ACTIVE)),
            ),
            models.Index(
                fields=["user"],
                name="generation_job_active_user",
                condition=models.Q(state__in=sorted(ACTIVE)),
            ),
        ]

    def __str__(self) -> str:
        return f"job {self.id} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state not in ACTIVE


class OutputFrameEmbedding(models.Model):
    """One sampled output frame's embedding, kept for the feed's similarity and steering."""

    id = SnowflakeField()
    job = models.ForeignKey(GenerationJob, on_delete=models.CASCADE, related_name="frame_embeddings")
    frame_index = models.PositiveIntegerField()
    t_ms = models.PositiveIntegerField()
    vector = VectorField(dimensions=EMBEDDING_DIM)
    model = models.CharField(max_length=60)

    class Meta:
        db_table = "generation_frame_embedding"
        constraints = [
            models.UniqueConstraint(fields=["job", "frame_index"], name="generation_frame_embedding_once")
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} frame {self.frame_index}"
