"""AccessPolicy and RateLimiter."""

from __future__ import annotations

from bot.admission import AccessPolicy, RateLimiter


def test_empty_lists_let_everyone_in() -> None:
    assert AccessPolicy().allows(1, 1)
    assert AccessPolicy().allows(None, -5)


def test_allowed_users_or_chats() -> None:
    policy = AccessPolicy(users=[7], chats=[-100])
    assert policy.allows(7, 7)
    assert policy.allows(8, -100)  # anyone inside an allowed group
    assert not policy.allows(8, 8)
    assert not policy.allows(None, -200)


def test_sliding_window_with_the_wait_in_whole_seconds() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.hit(1) == 0
    now[0] = 10
    assert limiter.hit(1) == 0
    now[0] = 20
    assert limiter.hit(1) == 40  # the first hit leaves the window at t=60
    assert limiter.hit(2) == 0  # other users are not affected
    now[0] = 60
    assert limiter.hit(1) == 0


def test_zero_turns_the_limit_off() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.hit(1) == 0 for _ in range(1000))


def test_memory_is_bounded() -> None:
    now = [0.0]
    limiter = RateLimiter(5, max_users=100, clock=lambda: now[0])
    for user in range(10_000):
        now[0] += 0.001
        limiter.hit(user)
        assert len(limiter) <= 100


def test_a_user_past_the_limit_is_told_once_per_wait() -> None:
    now = [0.0]
    limiter = RateLimiter(1, clock=lambda: now[0])
    assert limiter.hit(5) == 0
    wait = limiter.hit(5)
    assert wait > 0 and limiter.tell(5, wait)
    for _ in range(10):
        assert not limiter.tell(5, limiter.hit(5))
    now[0] += 61
    assert limiter.hit(5) == 0
    now[0] += 1
    assert limiter.tell(5, limiter.hit(5))  # a new wait: told again
