"""Cameo decisions reach posts: revoked access blocks drafts, a removed appearance takes down the
post and every remix carrying the likeness (rule 2)."""

from __future__ import annotations

import pytest

from cameos import services as cameo_services
from cameos.models import Appearance
from feed.models import Post
from feed.states import PostState
from sora_social.common.errors import Forbidden
from tests.accounts.factories import UserFactory
from tests.cameos.factories import CameoFactory
from tests.feed.factories import publish, ready_job

pytestmark = pytest.mark.django_db


def test_revoked_access_blocks_publishing_the_draft():
    """After the owner revokes access, the user's finished generation with the cameo cannot be published."""
    from feed import services

    cameo = CameoFactory()
    user = UserFactory()
    cameo_services.cameo_grant(cameo=cameo, user_id=user.id)
    job = ready_job(user, cameo_ids=[cameo.id])
    cameo_services.cameo_revoke(cameo=cameo, user_id=user.id)
    cameo_services.cameo_grant(cameo=cameo, user_id=user.id)  # even granted again, that draft stays blocked
    with pytest.raises(Forbidden) as err:
        services.post_publish(author=user, generation_id=job.id)
    assert err.value.code == "cameo_consent_withdrawn"
    assert not Post.objects.exists()


def test_publish_checks_consent_at_publish_time():
    """A draft whose cameo the user may no longer cast (no grant) is refused at publish."""
    from feed import services

    cameo = CameoFactory()
    user = UserFactory()
    job = ready_job(user, cameo_ids=[cameo.id])
    with pytest.raises(Forbidden):
        services.post_publish(author=user, generation_id=job.id)


def test_publishing_records_the_post_appearance():
    """A post carrying a cameo shows up in the owner's appearances (kind post)."""
    cameo = CameoFactory()
    user = UserFactory()
    cameo_services.cameo_grant(cameo=cameo, user_id=user.id)
    post = publish(user, cameo_ids=[cameo.id])
    assert Appearance.objects.filter(cameo=cameo, kind="post", object_id=post.id, state="active").exists()


def test_removed_appearance_takes_down_post_and_remixes_carrying_the_likeness(client_for):
    """The owner removes a post with their likeness: it and its remixes carrying it go, others stay."""
    cameo = CameoFactory()
    creator, remixer, other = UserFactory(), UserFactory(), UserFactory()
    for u in (creator, remixer, other):
        cameo_services.cameo_grant(cameo=cameo, user_id=u.id)
    post = publish(creator, cameo_ids=[cameo.id])
    carrying = publish(remixer, remix_of=post, cameo_ids=[cameo.id])
    deeper = publish(other, remix_of=carrying, cameo_ids=[cameo.id])
    # A remix that does not carry the likeness (recast) stays up.
    recast = publish(other, remix_of=post)
    appearance = Appearance.objects.get(cameo=cameo, kind="post", object_id=post.id)
    cameo_services.appearance_remove(cameo=cameo, appearance_id=appearance.id)
    states = dict(Post.objects.values_list("id", "state"))
    assert states[post.id] == states[carrying.id] == states[deeper.id] == PostState.REMOVED_BY_LIKENESS_OWNER
    assert states[recast.id] == PostState.PUBLISHED
    # The owner's list agrees: the remixes' appearances are marked removed as well.
    assert set(
        Appearance.objects.filter(cameo=cameo, kind="post", state="removed").values_list(
            "object_id", flat=True
        )
    ) == {post.id, carrying.id, deeper.id}
    assert client_for(creator).get(f"/api/v1/posts/{post.id}").status_code == 404


def test_removed_generation_appearance_takes_down_its_post_and_blocks_drafts():
    """Removing a generation's appearance removes its post; an unpublished one can never be published."""
    from feed import services

    cameo = CameoFactory()
    user = UserFactory()
    cameo_services.cameo_grant(cameo=cameo, user_id=user.id)
    posted_job = ready_job(user, cameo_ids=[cameo.id])
    post = services.post_publish(author=user, generation_id=posted_job.id)
    draft = ready_job(user, cameo_ids=[cameo.id])
    for job in (posted_job, draft):
        cameo_services.appearance_record(
            cameo_id=cameo.id, kind="generation", object_id=job.id, source="cast"
        )
    for job in (posted_job, draft):
        appearance = Appearance.objects.get(cameo=cameo, kind="generation", object_id=job.id)
        cameo_services.appearance_remove(cameo=cameo, appearance_id=appearance.id)
    post.refresh_from_db()
    assert post.state == PostState.REMOVED_BY_LIKENESS_OWNER
    with pytest.raises(Forbidden) as err:
        services.post_publish(author=user, generation_id=draft.id)
    # generation drops the output and feed blocks the draft; either refusal names why.
    assert err.value.code in ("generation_output_removed", "cameo_consent_withdrawn")
    from feed.models import UnpublishableDraft

    assert UnpublishableDraft.objects.filter(job_id=draft.id, cameo_id=cameo.id).exists()


def test_suspended_owner_cameo_cannot_be_published():
    """A draft casting a cameo whose owner was suspended since is refused at publish."""
    from feed import services
    from sora_social.accounts.services.moderation import user_suspend

    cameo = CameoFactory()
    user = UserFactory()
    cameo_services.cameo_grant(cameo=cameo, user_id=user.id)
    job = ready_job(user, cameo_ids=[cameo.id])
    user_suspend(user=cameo.owner, actor=None, reason="abuse")
    with pytest.raises(Forbidden) as err:
        services.post_publish(author=user, generation_id=job.id)
    assert err.value.code == "cameo_consent_withdrawn"
    assert not Post.objects.exists()


def test_detected_likeness_is_checked_for_consent_at_publish():
    """A draft in which a cameo was detected (not cast) cannot be published by someone who may not use it."""
    from feed import services

    cameo = CameoFactory(audience="approved")
    user = UserFactory()
    job = ready_job(user)
    # The person enrolled after the draft was made; enrolment found their face in it.
    cameo_services.appearance_record(
        cameo_id=cameo.id, kind="generation", object_id=job.id, source="detected", score=0.2
    )
    with pytest.raises(Forbidden) as err:
        services.post_publish(author=user, generation_id=job.id)
    assert err.value.code == "cameo_likeness_without_consent"
    assert err.value.details == {"cameos": [str(cameo.id)]}
    assert not Post.objects.exists()
    # With the owner's grant the same draft may go out, carrying the detected appearance.
    cameo_services.cameo_grant(cameo=cameo, user_id=user.id)
    post = services.post_publish(author=user, generation_id=job.id)
    assert Appearance.objects.filter(cameo=cameo, kind="post", object_id=post.id, source="detected").exists()
