"""Rate limits from window counters: exact within a window, sliding across windows, constant
work per request, and shared by every process through Redis."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from sora_social.common.throttles import BurstUserThrottle

pytestmark = pytest.mark.django_db


class _Request:
    def __init__(self, user_id: int) -> None:
        self.user = type("U", (), {"is_authenticated": True, "pk": user_id})()
        self.META = {"REMOTE_ADDR": "192.0.2.9"}


def _throttle(now: list[float], rate: str = "10/min", backend=None) -> BurstUserThrottle:
    throttle = BurstUserThrottle()
    throttle.rate = rate
    throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
    throttle.timer = lambda: now[0]
    if backend is not None:
        throttle.cache = backend
    return throttle


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_exactly_the_rate_within_a_window_then_retry_after():
    now = [6000.0]  # the start of a window
    allowed = [_throttle(now).allow_request(_Request(1), None) for _ in range(12)]
    assert allowed == [True] * 10 + [False] * 2
    denied = _throttle(now)
    assert denied.allow_request(_Request(1), None) is False
    assert denied.wait() == 61  # ten requests at :00 stop counting fully only once the minute is over
    assert _throttle(now).allow_request(_Request(2), None) is True  # another member has their own


def test_the_window_slides_instead_of_resetting():
    """Ten requests at the end of one window still count in the next, fading as it goes."""
    now = [6059.0]
    assert all(_throttle(now).allow_request(_Request(1), None) for _ in range(10))
    now[0] = 6061.0  # a new fixed window; the estimate is 10 × 59/60 + 0
    assert _throttle(now).allow_request(_Request(1), None) is True
    denied = _throttle(now)  # 10 × 59/60 + 1 ≥ 10
    assert denied.allow_request(_Request(1), None) is False
    assert denied.wait() == 6  # 10 × (1 − x/60) + 1 < 10 once x > 6 s into the window
    now[0] = 6066.0
    assert _throttle(now).allow_request(_Request(1), None) is False  # 10 × 54/60 + 1 = 10: not yet
    now[0] = 6061.0 + denied.wait()
    assert _throttle(now).allow_request(_Request(1), None) is True
    now[0] = 6090.0  # half the old window still counts: 5 + 2 so far, room for 3 more
    results = [_throttle(now).allow_request(_Request(1), None) for _ in range(5)]
    assert results == [True] * 3 + [False] * 2


def test_work_per_request_does_not_grow_with_the_rate():
    """Whatever the rate, the cache holds two integers per member, never a request history."""
    now = [12000.0]
    for i in range(3000):
        now[0] = 12000.0 + i * 0.04
        _throttle(now, rate="100000/min").allow_request(_Request(1), None)
    values = [v for k, v in cache._cache.items() if "user_burst_1:" in k]  # locmem's own store
    assert len(values) == 2
    keys = [f"throttle_user_burst_1:{window}" for window in (200, 201)]
    assert cache.get_many(keys) == dict.fromkeys(keys, 1500)


@pytest.mark.redis
def test_processes_share_the_count_through_redis(redis_url):
    """Two cache clients (two processes' worth) on the same Redis count against one limit."""
    first, second = RedisCache(redis_url, {}), RedisCache(redis_url, {})
    first.clear()
    now = [18000.0]
    results = [
        _throttle(now, rate="6/min", backend=(first, second)[i % 2]).allow_request(_Request(7), None)
        for i in range(8)
    ]
    assert results == [True] * 6 + [False] * 2
    first.clear()
