"""The output rating: computed from the output checks' scores against the teen thresholds, stored on
the post, and every listing leaves mature posts out for teens."""

from __future__ import annotations

import datetime as dt

import pytest

from feed import services
from feed.models import Post
from generation import services as generation_services
from generation.states import JobState
from moderation.policies import DEFAULT_TEEN_THRESHOLDS, DEFAULT_THRESHOLDS, output_rating
from tests.accounts.factories import UserFactory
from tests.feed.factories import publish
from tests.generation.conftest import use_small_renders


def _teen():
    today = dt.date.today()
    return UserFactory(is_teen=True, birthdate=today.replace(year=today.year - 15))


def test_rating_is_mature_when_a_score_passes_a_teen_threshold_only():
    """A score under the adult review threshold but at a teen's is mature; under both, general."""
    between = {"sexual": 0.3}  # teen review 0.25, adult review 0.5
    assert output_rating(
        scores=between, thresholds=DEFAULT_THRESHOLDS, teen_thresholds=DEFAULT_TEEN_THRESHOLDS
    ) == ("mature")
    assert (
        output_rating(
            scores={"sexual": 0.1}, thresholds=DEFAULT_THRESHOLDS, teen_thresholds=DEFAULT_TEEN_THRESHOLDS
        )
        == "general"
    )


@pytest.fixture
def small_renders(settings, tmp_path, no_models):
    """1 s at 8 fps, and only the rule classifiers (`no_models`): every model score is 0, which the
    strict teen table below still flags."""
    return use_small_renders(settings, tmp_path, duration_s=1, fps=8)


@pytest.mark.django_db(transaction=True)
def test_output_checks_store_the_rating_and_teens_never_get_the_post(
    inprocess_worker, small_renders, client_for
):
    """Under a policy whose teen table flags any frame, an adult's output passes, is stored `mature`,
    is published `mature`, and a teen gets 404 on it while an adult sees it."""
    from moderation.services import policy_publish
    from tests.generation.conftest import wait_finished

    strict = {c: dict(v) for c, v in DEFAULT_TEEN_THRESHOLDS.items()}
    strict["sexual"] = {"review": 0.0, "block": 1.0}
    staff = UserFactory(is_staff=True, is_superuser=True)
    policy_publish(actor=staff, thresholds=DEFAULT_THRESHOLDS, teen_thresholds=strict, note="test")
    adult = UserFactory()
    job = generation_services.job_submit(user=adult, mode="text", prompt="paper lanterns over a river")
    job = wait_finished(job.id, timeout=240)
    assert job.state == JobState.READY, job.errors
    assert job.checks["output"]["rating"] == "mature"
    post = services.post_publish(author=adult, generation_id=job.id)
    assert Post.objects.get(pk=post.id).rating == "mature"
    assert client_for(_teen()).get(f"/api/v1/posts/{post.id}").status_code == 404
    assert client_for(UserFactory()).get(f"/api/v1/posts/{post.id}").status_code == 200


@pytest.mark.django_db
def test_mature_posts_are_left_out_of_every_listing_for_teens(client_for):
    """Profile, remixes, lineage and Following leave mature posts out for teens, not for adults."""
    from sora_social.accounts.services import follow_create

    author = UserFactory()
    root = publish(author, checks={"output": {"rating": "mature"}})
    general_root = publish(author)
    remix = publish(remix_of=general_root, checks={"output": {"rating": "mature"}})
    child = publish(remix_of=root)
    teen, adult = _teen(), UserFactory()
    follow_create(actor=teen, target=author)
    follow_create(actor=adult, target=author)
    t, a = client_for(teen), client_for(adult)

    def ids(res):
        assert res.status_code == 200, res.content
        return {r["id"] for r in res.json()["results"]}

    assert ids(t.get(f"/api/v1/users/{author.id}/posts")) == {str(general_root.id)}
    assert ids(a.get(f"/api/v1/users/{author.id}/posts")) == {str(general_root.id), str(root.id)}
    assert ids(t.get(f"/api/v1/posts/{general_root.id}/remixes")) == set()
    assert ids(a.get(f"/api/v1/posts/{general_root.id}/remixes")) == {str(remix.id)}
    assert ids(t.get(f"/api/v1/posts/{child.id}/lineage")) == set()
    assert ids(a.get(f"/api/v1/posts/{child.id}/lineage")) == {str(root.id)}
    assert t.get(f"/api/v1/posts/{root.id}/comments").status_code == 404
    assert ids(t.get("/api/v1/feed", {"kind": "following"})) == {str(general_root.id)}
    assert ids(a.get("/api/v1/feed", {"kind": "following"})) == {str(general_root.id), str(root.id)}
