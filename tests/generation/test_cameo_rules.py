"""Owner rules where content is made: refused at submit, before any GPU time, before storing;
the owner sees the attempts; approval of each use; suspended owners."""

from __future__ import annotations

import pytest

from cameos.models import Audience, CameoUseApproval
from cameos.services import cameo_grant, cameo_update
from generation import services
from generation.backends import RenderRequest
from generation.models import GenerationJob
from generation.states import JobState
from sora_social.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory
from tests.generation.conftest import wait_finished, wait_for
from tests.generation.factories import finishing_job, render_and_finish

pytestmark = pytest.mark.django_db(transaction=True)


def _granted(**kw):  # type: ignore[no-untyped-def]
    cameo = CameoFactory(audience=Audience.APPROVED, **kw)
    caster = UserFactory()
    cameo_grant(cameo=cameo, user_id=caster.id)
    return cameo, caster


def test_campaign_speech_with_a_no_political_cameo_is_refused_at_submit(client_for):
    """A granted member casting a "no political content" owner in a campaign speech gets 403
    `cameo_rule_violation` naming the cameo and the rule; no job; the owner sees the attempt."""
    cameo, caster = _granted(restrictions=["no_political"])
    response = client_for(caster).post(
        "/api/v1/generations",
        {"mode": "text", "prompt": "me giving a campaign speech at a rally", "cameos": [str(cameo.id)]},
        format="json",
    )
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == "cameo_rule_violation"
    assert error["details"]["cameo"] == str(cameo.id)
    assert error["details"]["rule"] == "no_political"
    assert error["details"]["rule_text"] == "No political content"
    assert not GenerationJob.objects.exists()
    notes = client_for(cameo.owner).get("/api/v1/me/cameo-notifications").json()["results"]
    assert [n["kind"] for n in notes] == ["rule_blocked"]
    assert notes[0]["actor_id"] == str(caster.id)
    assert notes[0]["data"]["rule"] == "no_political"
    assert notes[0]["data"]["prompt"] == "me giving a campaign speech at a rally"


def test_owner_casting_themselves_is_not_held_to_their_own_rules():
    """The owner may make a political video of themselves: rules protect them from others."""
    cameo = CameoFactory(restrictions=["no_political"])
    job = services.job_submit(
        user=cameo.owner, mode="text", prompt="me giving a campaign speech", cameos=[str(cameo.id)]
    )
    assert job.state == JobState.QUEUED


def test_free_text_rule_paraphrase_is_blocked_before_any_gpu_time(inprocess_worker, client_for):
    """A prompt that breaks a free-text rule without its words passes submit, then ends `blocked`
    `cameo_rule_violation` in the prompt checks (no render), with the cameo and rule in the job."""
    cameo, caster = _granted(rules="No alcohol or drinking, please.")
    client = client_for(caster)
    response = client.post(
        "/api/v1/generations",
        {"mode": "text", "prompt": "me sipping red wine at a fancy dinner", "cameos": [str(cameo.id)]},
        format="json",
    )
    assert response.status_code == 202, response.content
    # The first prompt check in this process loads the sentence-embedding model.
    job = wait_finished(int(response.json()["id"]), timeout=300)
    assert job.state == JobState.BLOCKED
    assert job.blocked_reason == "cameo_rule_violation"
    assert job.attempts == 0
    body = client.get(f"/api/v1/generations/{job.id}").json()
    assert body["blocked_reason"] == "cameo_rule_violation"
    assert body["blocked_detail"]["cameo"] == str(cameo.id)
    assert body["blocked_detail"]["rule"] == "free_text"
    assert body["blocked_detail"]["rule_text"] == "No alcohol"
    assert Notification.objects.filter(target_id=cameo.pk, kind="cameo.rule_blocked").count() == 1


def _restricted_while_rendering(restriction, prompt):  # type: ignore[no-untyped-def]
    """A granted cameo's job reaches storing after its owner added `restriction`: the store-time
    check blocks it, naming the rule. Answers the cameo, the caster and the job."""
    cameo, caster = _granted()
    job = finishing_job(user=caster, prompt=prompt, seed=1, duration_s=1, cameo_ids=[cameo.id])
    cameo_update(cameo=cameo, restrictions=[restriction])
    # Rendered without the cameo's face: this cameo has no reference image.
    request = RenderRequest(
        prompt=prompt, seed=1, duration_s=1, width=144, height=256, fps=12, style="", aspect="9:16"
    )
    assert render_and_finish(job, request=request) == JobState.BLOCKED
    job.refresh_from_db()
    assert job.blocked_reason == "cameo_rule_violation"
    assert job.checks["store"]["cameos.rules"]["rule"] == restriction
    return cameo, caster, job


def test_rules_tightened_before_storing_block_the_output(settings, tmp_path):
    """Rules are checked again inside the storing transaction: a restriction the owner added
    while the video rendered ends it `blocked` with the rule named, and keeps no file."""
    from django.core.files.storage import default_storage

    cameo, caster, job = _restricted_while_rendering("no_political", "me shouting slogans at a protest")
    assert job.video == ""
    assert not default_storage.exists(f"generations/{caster.id}/{job.id}/a1/video.mp4")
    assert Notification.objects.filter(target_id=cameo.pk, kind="cameo.rule_blocked").exists()


def test_approval_required_waits_for_the_owner_then_renders(inprocess_worker, client_for, cameo_of):
    """With `approval_required` a use waits in `needs_approval` (no GPU time) and the owner is
    asked with the prompt; once approved the generation renders and is stored."""
    cameo = cameo_of(2, audience=Audience.APPROVED)
    cameo = cameo_update(cameo=cameo, restrictions=["approval_required"])
    caster = UserFactory()
    cameo_grant(cameo=cameo, user_id=caster.id)
    job = services.job_submit(
        user=caster, mode="text", prompt="us on a roller coaster", cameos=[str(cameo.id)]
    )
    wait_for(lambda: GenerationJob.objects.filter(pk=job.id, state=JobState.NEEDS_APPROVAL).exists())
    owner = client_for(cameo.owner)
    pending = owner.get("/api/v1/me/cameo-approvals").json()["results"]
    assert [(p["cameo_id"], p["object_id"], p["prompt"]) for p in pending] == [
        (str(cameo.id), str(job.id), "us on a roller coaster")
    ]
    assert Notification.objects.filter(target_id=cameo.pk, kind="cameo.approval").exists()
    job.refresh_from_db()
    assert job.attempts == 0
    # The requester cannot approve their own use.
    assert client_for(caster).post(f"/api/v1/cameo-approvals/{pending[0]['id']}/approve").status_code == 404
    assert owner.post(f"/api/v1/cameo-approvals/{pending[0]['id']}/approve").status_code == 200
    job = wait_finished(job.id, timeout=120)
    assert job.state == JobState.READY, (job.blocked_reason, job.errors)
    assert job.checks["store"]["cameos.rules"]["decision"] == "allow"


def test_approval_denied_refuses_the_generation(inprocess_worker, client_for):
    """A denied use ends `blocked` `cameo_rule_violation` naming the approval rule."""
    cameo, caster = _granted(restrictions=["approval_required"])
    job = services.job_submit(user=caster, mode="text", prompt="us at the zoo", cameos=[str(cameo.id)])
    wait_for(lambda: CameoUseApproval.objects.filter(object_id=job.id).exists())
    approval = CameoUseApproval.objects.get(object_id=job.id)
    assert client_for(cameo.owner).post(f"/api/v1/cameo-approvals/{approval.id}/deny").status_code == 200
    job = wait_finished(job.id)
    assert job.state == JobState.BLOCKED
    assert job.blocked_reason == "cameo_rule_violation"
    body = client_for(caster).get(f"/api/v1/generations/{job.id}").json()
    assert body["blocked_detail"]["rule"] == "approval_required"


def test_output_without_approval_is_not_stored(settings, tmp_path):
    """Approval turned on while the video rendered: the store check finds no approval and blocks it."""
    _restricted_while_rendering("approval_required", "us baking bread")


def test_suspended_owner_cameo_is_refused_at_submit(client_for):
    """Casting the cameo of a suspended owner is refused at submit like any cameo without consent."""
    from sora_social.accounts.services.moderation import user_suspend

    cameo, caster = _granted()
    user_suspend(user=cameo.owner, actor=None, reason="abuse")
    response = client_for(caster).post(
        "/api/v1/generations",
        {"mode": "text", "prompt": "us at the beach", "cameos": [str(cameo.id)]},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cameo_consent_required"
