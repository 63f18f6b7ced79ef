"""The post state machine: the transition table, and moves outside it refused."""

from __future__ import annotations

import pytest

from feed import services
from feed.states import TRANSITIONS, PostState, can_move, sources_of
from sora_social.common.errors import Conflict
from tests.feed.factories import publish

S = PostState


def test_transition_table_is_exactly_the_documented_one():
    """The table lists every legal move; removed states are final except a moderation restore."""
    assert {
        S.PUBLISHED: {
            S.REMOVED_BY_AUTHOR,
            S.REMOVED_BY_MODERATION,
            S.REMOVED_BY_LIKENESS_OWNER,
            S.HIDDEN_PENDING_REVIEW,
        },
        S.HIDDEN_PENDING_REVIEW: {
            S.PUBLISHED,
            S.REMOVED_BY_AUTHOR,
            S.REMOVED_BY_MODERATION,
            S.REMOVED_BY_LIKENESS_OWNER,
        },
        S.REMOVED_BY_MODERATION: {S.PUBLISHED},
        S.REMOVED_BY_AUTHOR: set(),
        S.REMOVED_BY_LIKENESS_OWNER: set(),
    } == TRANSITIONS
    assert sources_of(S.PUBLISHED) == sorted([S.HIDDEN_PENDING_REVIEW, S.REMOVED_BY_MODERATION])


@pytest.mark.django_db
@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_post_transition_follows_the_table(source, target):
    """post_transition makes exactly the moves the table allows and refuses the rest."""
    post = publish()
    type(post).objects.filter(pk=post.pk).update(state=source)
    if can_move(source, target):
        assert services.post_transition(post_id=post.id, to=target).state == target
    else:
        with pytest.raises(Conflict):
            services.post_transition(post_id=post.id, to=target)
        post.refresh_from_db()
        assert post.state == source


@pytest.mark.django_db
def test_set_based_removal_skips_posts_in_states_it_cannot_leave():
    """posts_remove moves only posts whose state may go to the target (author-removed stays)."""
    post = publish()
    services.posts_remove(post_ids=[post.id], to=S.REMOVED_BY_AUTHOR)
    moved = services.posts_remove(post_ids=[post.id], to=S.REMOVED_BY_MODERATION)
    assert moved["removed"] == []
    post.refresh_from_db()
    assert post.state == S.REMOVED_BY_AUTHOR
