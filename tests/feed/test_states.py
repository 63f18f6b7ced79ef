"""The post state machine: the declared moves, single moves through the engine, set-based moves
from legal sources only, and the diagram in docs/FEED.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction

from feed import services
from feed.models import Post
from feed.states import POST_MACHINE, PostState
from sora_social.common.errors import NotFound
from sora_social.common.states import IllegalTransition, diagram_blocks, state_changed
from tests.feed.factories import chain, publish

S = PostState


def test_machine_declares_exactly_the_documented_moves():
    """The machine lists every legal move; removed states are final except a moderation restore."""
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
    } == POST_MACHINE.table
    assert POST_MACHINE.sources_of(S.PUBLISHED) == {S.HIDDEN_PENDING_REVIEW, S.REMOVED_BY_MODERATION}
    assert POST_MACHINE.finals == {S.REMOVED_BY_AUTHOR, S.REMOVED_BY_LIKENESS_OWNER}


def test_docs_carry_the_machine_diagram():
    """docs/FEED.md holds the Mermaid diagram generated from the declaration, byte for byte."""
    text = Path(__file__).resolve().parents[2].joinpath("docs/FEED.md").read_text()
    assert ("feed.states.POST_MACHINE", POST_MACHINE.mermaid()) in diagram_blocks(text)


@pytest.mark.django_db
@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_post_transition_follows_the_machine(source, target):
    """post_transition makes exactly the moves the machine declares and refuses the rest (409)."""
    post = publish()
    Post.objects.filter(pk=post.pk).update(state=source)
    if POST_MACHINE.can_move(source, target):
        assert services.post_transition(post_id=post.id, to=target).state == target
    else:
        with pytest.raises(IllegalTransition) as refused:
            services.post_transition(post_id=post.id, to=target)
        assert refused.value.status == 409
        assert refused.value.code == "illegal_transition"
        post.refresh_from_db()
        assert post.state == source


@pytest.mark.django_db
def test_post_transition_of_an_unknown_post_is_404():
    """A single move of a post that does not exist answers post_not_found."""
    with pytest.raises(NotFound):
        services.post_transition(post_id=1, to=S.PUBLISHED)


@pytest.mark.django_db
def test_single_move_keeps_lineage_counts():
    """A remix leaving and re-entering the published set moves its ancestors' counts back and forth."""
    root, remix = chain(2)
    services.post_transition(post_id=remix.id, to=S.HIDDEN_PENDING_REVIEW)
    assert Post.objects.get(pk=root.id).descendant_count == 0
    services.post_transition(post_id=remix.id, to=S.PUBLISHED)
    assert Post.objects.get(pk=root.id).descendant_count == 1


@pytest.mark.django_db
def test_set_based_removal_skips_posts_in_states_it_cannot_leave():
    """posts_remove moves only posts whose state may go to the target (author-removed stays)."""
    post = publish()
    services.posts_remove(post_ids=[post.id], to=S.REMOVED_BY_AUTHOR)
    moved = services.posts_remove(post_ids=[post.id], to=S.REMOVED_BY_MODERATION)
    assert moved["removed"] == []
    post.refresh_from_db()
    assert post.state == S.REMOVED_BY_AUTHOR


@pytest.mark.django_db
@pytest.mark.parametrize("source", list(S))
def test_set_based_hide_and_unhide_touch_only_legal_sources(source):
    """post_hide / post_unhide move a post only from the machine's sources of their target."""
    post = publish()
    Post.objects.filter(pk=post.pk).update(state=source)
    hidden = services.post_hide(post_id=post.id)
    expected = (
        S.HIDDEN_PENDING_REVIEW if source in POST_MACHINE.sources_of(S.HIDDEN_PENDING_REVIEW) else source
    )
    assert hidden == ([post.id] if expected != source else [])
    assert Post.objects.get(pk=post.pk).state == expected
    Post.objects.filter(pk=post.pk).update(state=source)
    unhidden = services.post_unhide(post_id=post.id)
    assert unhidden == ([post.id] if source == S.HIDDEN_PENDING_REVIEW else [])
    assert Post.objects.get(pk=post.pk).state == (
        S.PUBLISHED if source == S.HIDDEN_PENDING_REVIEW else source
    )


@pytest.mark.django_db(transaction=True)
def test_set_based_moves_announce_state_changed_on_commit():
    """A removal sends the engine's state_changed on commit, for the removed and the hidden descendants."""
    root, remix = chain(2)
    seen = []

    def record(sender, machine, pks, source, target, **_):
        seen.append((machine.name, sorted(pks), target))

    state_changed.connect(record, sender=Post, dispatch_uid="test.feed.states")
    try:
        with transaction.atomic():
            services.posts_remove(post_ids=[root.id], to=S.REMOVED_BY_MODERATION)
            assert seen == []
    finally:
        state_changed.disconnect(dispatch_uid="test.feed.states", sender=Post)
    assert seen == [
        ("feed.post", [root.id], S.REMOVED_BY_MODERATION),
        ("feed.post", [remix.id], S.HIDDEN_PENDING_REVIEW),
    ]
