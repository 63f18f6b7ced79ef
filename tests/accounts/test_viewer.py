"""The `Viewer`: teen status, parental caps and blocks, each read at most once, and one per request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from sora_social.accounts import selectors, services
from sora_social.accounts.viewer import Viewer, member_of, viewer_of
from tests.accounts.factories import link_parent, make_member

pytestmark = pytest.mark.django_db


def _teen(age: int = 15):
    today = dt.date.today()
    return make_member(birthdate=today.replace(year=today.year - age))


def test_teen_flag_follows_the_age_rule():
    """A member under the teen age is a teen viewer; an adult is not, and has no controls."""
    teen, adult = _teen(), make_member()
    assert Viewer.of(teen).is_teen is True
    assert Viewer.of(adult).is_teen is False
    assert Viewer.of(adult).controls is None


def test_building_a_viewer_reads_nothing(django_assert_num_queries):
    """`Viewer.of` derives the teen flag from the loaded member: no query."""
    teen = _teen()
    with django_assert_num_queries(0):
        viewer = Viewer.of(teen)
    assert viewer.id == teen.pk
    assert viewer.user is teen


def test_parental_caps_are_read_lazily_and_once(django_assert_num_queries):
    """The caps a parent set are read on first use (one query), then kept on the viewer."""
    teen = _teen()
    link = link_parent(teen)
    services.parental_controls_update(link=link, parent=link.parent, daily_feed_budget=25, dms_enabled=False)
    viewer = Viewer.of(teen)
    with django_assert_num_queries(1):
        controls = viewer.controls
    with django_assert_num_queries(0):
        assert viewer.controls is controls
    assert controls is not None
    assert controls.daily_feed_budget == 25
    assert controls.dms_enabled is False


def test_teen_without_a_parent_gets_the_default_caps():
    """A teen nobody set controls for gets the defaults."""
    assert Viewer.of(_teen()).controls == selectors.default_teen_controls()


def test_blocks_both_ways_read_once(django_assert_num_queries):
    """`blocked_ids` holds members the viewer blocked and members who blocked the viewer, read once."""
    me, blocked_by_me, blocking_me, other = make_member(), make_member(), make_member(), make_member()
    services.block_create(actor=me, target=blocked_by_me)
    services.block_create(actor=blocking_me, target=me)
    viewer = Viewer.of(me)
    with django_assert_num_queries(1):
        ids = viewer.blocked_ids
    with django_assert_num_queries(0):
        assert viewer.blocked_ids is ids
    assert ids == frozenset({blocked_by_me.pk, blocking_me.pk})
    assert other.pk not in ids


def test_viewer_of_is_cached_on_the_request(django_assert_num_queries):
    """`viewer_of` builds the viewer once per request; later calls return the same object."""
    member = make_member()
    request = RequestFactory().get("/")
    request.user = member
    first = viewer_of(request)
    with django_assert_num_queries(0):
        assert viewer_of(request) is first
    assert request.viewer is first
    assert member_of(request) is member


def test_anonymous_teen_is_the_strictest_viewer(django_assert_num_queries):
    """The anonymous teen matches no member, has teen rules and the default caps, blocks nobody; no query."""
    with django_assert_num_queries(0):
        viewer = Viewer.anonymous_teen()
        assert viewer.id == 0
        assert viewer.is_teen is True
        assert viewer.user is None
        assert viewer.controls == selectors.default_teen_controls()
        assert viewer.blocked_ids == frozenset()
