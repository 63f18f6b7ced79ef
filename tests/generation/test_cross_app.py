"""What other apps (the feed) ask of generation through its services and selectors."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from generation.selectors import job_media_names
from generation.services import job_claim_for_publish
from sora_social.common.errors import Conflict, Forbidden, NotFound
from tests.generation.factories import GenerationJobFactory

pytestmark = pytest.mark.django_db


def test_claim_for_publish_answers_a_ready_job_of_its_owner() -> None:
    """A ready job with a video is locked and returned to its owner."""
    job = GenerationJobFactory(state="ready", video="public/v.mp4", poster="public/p.jpg")
    with transaction.atomic():
        assert job_claim_for_publish(job_id=job.id, user_id=job.user_id).pk == job.pk


def test_claim_for_publish_refuses_others_missing_removed_and_unfinished() -> None:
    """Someone else's or a missing job is 404; a taken-down one 403; an unfinished one 409."""
    job = GenerationJobFactory(state="ready", video="public/v.mp4")
    other = GenerationJobFactory()
    with transaction.atomic():
        with pytest.raises(NotFound) as missing:
            job_claim_for_publish(job_id=job.id, user_id=other.user_id)
        assert missing.value.code == "generation_not_found"
        with pytest.raises(NotFound):
            job_claim_for_publish(job_id=None, user_id=job.user_id)
        with pytest.raises(Conflict) as unfinished:
            job_claim_for_publish(job_id=other.id, user_id=other.user_id)
        assert unfinished.value.code == "generation_not_ready"
    job.output_removed_at = timezone.now()
    job.save()
    with transaction.atomic(), pytest.raises(Forbidden) as removed:
        job_claim_for_publish(job_id=job.id, user_id=job.user_id)
    assert removed.value.code == "generation_output_removed"


def test_job_media_names_lists_non_empty_videos_and_posters() -> None:
    """Names of both files of each job, empty ones left out."""
    a = GenerationJobFactory(state="ready", video="private/a.mp4", poster="private/a.jpg")
    b = GenerationJobFactory(state="ready", video="private/b.mp4", poster="")
    GenerationJobFactory(state="ready", video="private/c.mp4")
    assert job_media_names(job_ids=[a.id, b.id]) == {"private/a.mp4", "private/a.jpg", "private/b.mp4"}
