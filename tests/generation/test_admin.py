"""Cancelling members' jobs from the admin: `cancel_generation`, a reason first, an audit row."""

from __future__ import annotations

import pytest

from generation.models import GenerationJob
from moderation.models import AuditEvent
from tests.accounts.factories import staff_with
from tests.generation.factories import GenerationJobFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/generation/generationjob/"


def test_cancel_with_permission_and_reason_cancels_and_audits(client):
    """Staff with `cancel_generation` cancel after giving a reason; each cancelled job is audited."""
    staff = staff_with("generation.view_generationjob", "generation.cancel_generation")
    client.force_login(staff)
    job, done = GenerationJobFactory(), GenerationJobFactory(state="ready")
    picked = {"action": "cancel_jobs", "_selected_action": [job.pk, done.pk]}
    page = client.post(CHANGELIST, picked)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert GenerationJob.objects.get(pk=job.pk).state == "queued"

    blank = client.post(CHANGELIST, {**picked, "apply": "1", "reason": ""}, follow=True)
    assert "Give a reason" in blank.content.decode()
    assert GenerationJob.objects.get(pk=job.pk).state == "queued"

    client.post(CHANGELIST, {**picked, "apply": "1", "reason": "runaway prompt loop"})
    assert GenerationJob.objects.get(pk=job.pk).state == "cancelled"
    assert GenerationJob.objects.get(pk=done.pk).state == "ready"
    events = list(AuditEvent.objects.filter(event="staff.generation_cancel"))
    assert [(e.actor_id, e.subject_id, e.reason) for e in events] == [
        (staff.pk, job.pk, "runaway prompt loop")
    ]


def test_staff_without_cancel_generation_cannot_cancel(client):
    """Staff who may only view jobs neither see nor can run the cancel action."""
    client.force_login(staff_with("generation.view_generationjob"))
    job = GenerationJobFactory()
    assert "cancel_jobs" not in client.get(CHANGELIST).content.decode()
    client.post(
        CHANGELIST, {"action": "cancel_jobs", "_selected_action": [job.pk], "apply": "1", "reason": "x"}
    )
    assert GenerationJob.objects.get(pk=job.pk).state == "queued"
    assert not AuditEvent.objects.exists()
