"""Taking generations away: cancelling jobs that lost their consent, removing outputs, erasing an account.

All set-based: a fixed number of statements whatever the number of jobs.
Files are deleted before the removal commits (rule 10).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from cameos.services import output_faces_erase
from generation.models import GenerationJob, ImageUpload, OutputFrameEmbedding
from generation.services.transitions import jobs_cancel_where


def jobs_cancel_for_revoked_cameo(*, cameo_id: int, user_id: int) -> list[int]:
    """Cancel that member's unfinished jobs casting the cameo (rule 2); returns their ids."""
    jobs = GenerationJob.objects.filter(user_id=user_id, cameo_ids__contains=[cameo_id])
    return jobs_cancel_where(jobs, reason="cameo_access_revoked")


def jobs_cancel_for_deleted_cameo(*, cameo_id: int) -> list[int]:
    """Cancel everyone's unfinished jobs casting a cameo being deleted."""
    return jobs_cancel_where(
        GenerationJob.objects.filter(cameo_ids__contains=[cameo_id]), reason="cameo_deleted"
    )


def outputs_remove(*, job_ids: list[int], reason: str) -> list[int]:
    """Take down generated videos for everyone (their drafts included): unfinished jobs are
    cancelled, finished ones lose their files and their frame and face embeddings.

    Set-based. The files are deleted before the removal commits (rule 10): every
    URL minted before names an object that no longer exists by the time anyone
    can see the removal; a rollback can at worst cost the draft its files."""
    ids = [int(i) for i in job_ids]
    jobs_cancel_where(GenerationJob.objects.filter(pk__in=ids), reason=reason)
    with transaction.atomic():
        rows = list(
            GenerationJob.objects.select_for_update()
            .filter(pk__in=ids, output_removed_at=None)
            .exclude(video="")
            .values_list("id", "video", "poster")
        )
        if not rows:
            return []
        removed = [r[0] for r in rows]
        GenerationJob.objects.filter(pk__in=removed).update(
            output_removed_at=timezone.now(), blocked_reason=reason, embedding=None
        )
        OutputFrameEmbedding.objects.filter(job_id__in=removed).delete()
        output_faces_erase(kind="generation", object_ids=removed)
        for name in {name for _, video, poster in rows for name in (video, poster) if name}:
            default_storage.delete(name)
    return removed


def jobs_remove_for_account(*, user_id: int) -> dict[str, int]:
    """A member deleted their account: every unfinished job is cancelled, every output and
    uploaded image deleted (files before the transaction commits, rule 10), every embedding erased.

    Receiver side of `sora_social.accounts.signals.account_deleted`. Set-based:
    a fixed number of statements whatever the number of jobs, one storage call per file.
    """
    with transaction.atomic():
        jobs = GenerationJob.objects.filter(user_id=user_id)
        cancelled = jobs_cancel_where(jobs, reason="account_deleted")
        removed = outputs_remove(job_ids=list(jobs.values_list("id", flat=True)), reason="account_deleted")
        jobs.update(embedding=None, image_upload=None)
        OutputFrameEmbedding.objects.filter(job__user_id=user_id).delete()
        uploads = list(
            ImageUpload.objects.select_for_update().filter(user_id=user_id).values_list("id", "file")
        )
        ImageUpload.objects.filter(pk__in=[pk for pk, _ in uploads]).delete()
        for name in {name for _, name in uploads if name}:
            default_storage.delete(name)
    return {"cancelled": len(cancelled), "outputs_removed": len(removed), "uploads_deleted": len(uploads)}
