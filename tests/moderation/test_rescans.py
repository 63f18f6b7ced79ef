"""A policy change re-decides stored verdicts in batches, without recomputing scores."""

from __future__ import annotations

import time

import pytest

from moderation import services
from moderation.models import AuditEvent, Case, RescanJob, StoredVerdict
from moderation.policies import DEFAULT_TEEN_THRESHOLDS, DEFAULT_THRESHOLDS, active_policy
from tests.accounts.factories import UserFactory
from tests.moderation.factories import StaffFactory


def _verdict(score: float, *, subject_id: int | None = None, kind: str = "clip") -> StoredVerdict:
    policy = active_policy()
    return StoredVerdict.objects.create(
        kind="frames",
        subject_kind=kind if subject_id else "",
        subject_id=subject_id,
        scores={"violence": score},
        decision="allow",
        policy_version=policy.label,
        model_ids={"clip": "stored"},
    )


@pytest.mark.django_db(transaction=True)
def test_threshold_change_redecides_stored_verdicts_in_batches(inprocess_worker, clips, settings):
    """Lowering the violence threshold re-decides old verdicts by a Celery task, with progress and cases."""
    settings.RESCAN_BATCH_SIZE = 3
    owner = UserFactory()
    clips.add(1, owner_id=owner.pk, title="now violating")
    borderline = _verdict(0.5, subject_id=1)
    calm = [_verdict(0.05) for _ in range(6)]
    tighter = {**DEFAULT_THRESHOLDS, "violence": {"review": 0.3, "block": 0.45}}
    policy = services.policy_publish(
        actor=StaffFactory(is_superuser=True),
        thresholds=tighter,
        teen_thresholds=DEFAULT_TEEN_THRESHOLDS,
        note="stricter on violence",
        rescan_block_action="hide",
    )
    job = RescanJob.objects.get(policy=policy)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state == RescanJob.State.DONE:
            break
        time.sleep(0.1)
    assert job.state == RescanJob.State.DONE
    assert job.done == 7
    assert job.progress == 1.0
    assert job.changed == 1
    borderline.refresh_from_db()
    assert borderline.decision == "block"
    assert borderline.policy_version == policy.label == "v2"
    assert borderline.model_ids == {"clip": "stored"}  # no model ran again
    assert all(StoredVerdict.objects.get(pk=v.pk).decision == "allow" for v in calm)
    case = Case.objects.get(subject_kind="clip", subject_id=1)
    assert case.source == "classifier"
    assert clips.items[1]["removed"] is True  # hidden by policy, pending review
    assert AuditEvent.objects.filter(event="automated.redecided").count() == 1


@pytest.mark.django_db
def test_bad_thresholds_are_refused():
    """Thresholds out of order or for unknown categories are a 400 and publish nothing."""
    from sora_social.common.errors import ApplicationError

    active_policy()
    with pytest.raises(ApplicationError) as caught:
        services.policy_publish(
            actor=None,
            thresholds={"violence": {"review": 0.9, "block": 0.1}},
            teen_thresholds=DEFAULT_TEEN_THRESHOLDS,
        )
    assert caught.value.code == "bad_thresholds"
    assert active_policy().version == 1


@pytest.mark.django_db
def test_a_repeated_batch_changes_nothing(clips):
    """Running the same batch again (a redelivered message) re-decides nothing twice."""
    _verdict(0.5)
    policy = services.policy_publish(
        actor=None,
        thresholds={**DEFAULT_THRESHOLDS, "violence": {"review": 0.3, "block": 0.9}},
        teen_thresholds=DEFAULT_TEEN_THRESHOLDS,
    )
    job = RescanJob.objects.get(policy=policy)
    assert services.rescan_run_batch(job_id=job.id) is False
    assert services.rescan_run_batch(job_id=job.id) is False
    job.refresh_from_db()
    assert (job.done, job.changed) == (1, 1)
