"""WriteBudget: per-chat pace, global rate, priorities and retry_after holds."""

from __future__ import annotations

import asyncio
import time

from bot.config import Settings
from bot.pacing import WriteBudget
from bot.priority import Priority


async def test_first_write_is_granted_at_once_then_the_chat_waits_its_interval() -> None:
    budget = WriteBudget(rate=1000, private_interval=0.2, group_interval=0.6)
    started = time.monotonic()
    await budget.acquire(1, lambda: Priority.FIRST)
    first = time.monotonic() - started
    await budget.acquire(1, lambda: Priority.EDIT)
    second = time.monotonic() - started
    await budget.close()
    assert second - first >= 0.19
    assert budget.granted == 2


async def test_groups_get_the_slower_pace() -> None:
    budget = WriteBudget(rate=1000, private_interval=0.0, group_interval=0.3)
    await budget.acquire(-100, lambda: Priority.FIRST)
    started = time.monotonic()
    await budget.acquire(-100, lambda: Priority.EDIT)
    await budget.close()
    assert time.monotonic() - started >= 0.29


async def test_edits_keep_one_write_in_reserve_so_the_final_goes_at_once() -> None:
    budget = WriteBudget(rate=1000, private_interval=0.3, group_interval=0.3)
    await budget.acquire(1, lambda: Priority.FIRST)
    await budget.acquire(1, lambda: Priority.EDIT)  # waits for the bucket to refill
    started = time.monotonic()
    assert budget.ready_in(1, Priority.EDIT) > 0.2
    assert budget.ready_in(1, Priority.FINAL) == 0
    await budget.acquire(1, lambda: Priority.FINAL)
    assert time.monotonic() - started < 0.25
    # The reserve is spent: the next write of any kind waits a whole interval.
    assert budget.ready_in(1, Priority.FINAL) > 0.2
    await budget.close()


async def test_other_chats_are_not_held_back_by_a_busy_chat() -> None:
    budget = WriteBudget(rate=1000, private_interval=5.0, group_interval=5.0)
    await budget.acquire(1, lambda: Priority.FIRST)
    blocked = asyncio.create_task(budget.acquire(1, lambda: Priority.EDIT))
    await asyncio.wait_for(budget.acquire(2, lambda: Priority.FIRST), timeout=2)
    assert not blocked.done()
    blocked.cancel()
    await budget.close()


async def test_when_the_budget_is_short_finals_go_first_then_firsts_then_edits() -> None:
    budget = WriteBudget(rate=10, private_interval=0.0, group_interval=0.0)
    # Take the current slot and the one catch-up slot, so the next three must queue.
    await budget.acquire(98, lambda: Priority.FIRST)
    await budget.acquire(99, lambda: Priority.FIRST)
    order: list[str] = []

    async def ask(chat: int, priority: Priority, name: str) -> None:
        await budget.acquire(chat, lambda: priority)
        order.append(name)

    tasks = [
        asyncio.create_task(ask(1, Priority.EDIT, "edit")),
        asyncio.create_task(ask(2, Priority.FIRST, "first")),
        asyncio.create_task(ask(3, Priority.FINAL, "final")),
    ]
    await asyncio.gather(*tasks)
    await budget.close()
    assert order == ["final", "first", "edit"]


async def test_priority_is_asked_at_grant_time() -> None:
    budget = WriteBudget(rate=10, private_interval=0.0, group_interval=0.0)
    await budget.acquire(98, lambda: Priority.FIRST)
    await budget.acquire(99, lambda: Priority.FIRST)
    state = {"done": False}
    order: list[str] = []

    async def ask(chat: int, priority: object, name: str) -> None:
        await budget.acquire(chat, priority)  # type: ignore[arg-type]  # a test lambda
        order.append(name)

    first = asyncio.create_task(ask(1, lambda: Priority.FIRST, "first"))
    edit = asyncio.create_task(
        ask(2, lambda: Priority.FINAL if state["done"] else Priority.EDIT, "became-final")
    )
    await asyncio.sleep(0)
    state["done"] = True
    await asyncio.gather(first, edit)
    await budget.close()
    assert order == ["became-final", "first"]


async def test_global_rate_spaces_writes_across_chats() -> None:
    budget = WriteBudget(rate=20, private_interval=0.0, group_interval=0.0)
    started = time.monotonic()
    await asyncio.gather(*(budget.acquire(chat, lambda: Priority.FIRST) for chat in range(11)))
    await budget.close()
    # 11 grants at 20/s: at least 9 slot lengths (one catch-up slot is allowed).
    assert time.monotonic() - started >= 9 / 20 - 0.01


async def test_hold_blocks_only_that_chat_for_exactly_retry_after() -> None:
    budget = WriteBudget(rate=1000, private_interval=0.0, group_interval=0.0)
    budget.hold(1, 0.4)
    started = time.monotonic()
    await budget.acquire(2, lambda: Priority.EDIT)
    other = time.monotonic() - started
    await budget.acquire(1, lambda: Priority.FINAL)
    held = time.monotonic() - started
    await budget.close()
    assert other < 0.4
    assert held >= 0.4


async def test_a_waiter_arriving_while_the_budget_sleeps_wakes_it() -> None:
    """The budget sleeps up to a quarter second while nobody is ready (a held chat waits);
    a write for another chat that arrives then is granted at once, not after the nap."""
    budget = WriteBudget(rate=1000, private_interval=0.0, group_interval=0.0)
    budget.hold(1, 30.0)
    held = asyncio.create_task(budget.acquire(1, lambda: Priority.FINAL))
    await asyncio.sleep(0.02)  # the budget is now asleep: nobody is ready for 30 s
    started = time.monotonic()
    await asyncio.wait_for(budget.acquire(2, lambda: Priority.EDIT), timeout=1)
    waited = time.monotonic() - started
    held.cancel()
    await asyncio.gather(held, return_exceptions=True)
    await budget.close()
    assert waited < 0.15  # the nap it would otherwise finish is 0.23 s


async def test_cancelled_waiter_leaves_the_queue() -> None:
    budget = WriteBudget(rate=1000, private_interval=10.0, group_interval=10.0)
    await budget.acquire(1, lambda: Priority.FIRST)
    waiter = asyncio.create_task(budget.acquire(1, lambda: Priority.EDIT))
    await asyncio.sleep(0.01)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    assert budget._waiters == []
    await budget.close()


async def test_default_group_pace_never_exceeds_20_writes_in_any_minute() -> None:
    interval = Settings.model_fields["group_chat_interval"].default
    now = [0.0]
    budget = WriteBudget(
        rate=1e3, private_interval=1.0, group_interval=interval, clock=lambda: now[0]
    )
    grants: list[float] = []
    while now[0] < 300:
        # Finals may spend the reserve too, so asking for finals only is the fastest pace.
        now[0] += max(budget.ready_in(-1, Priority.FINAL), budget.slot)
        await budget.acquire(-1, lambda: Priority.FINAL)
        grants.append(now[0])
    worst = max(sum(1 for t in grants if start <= t < start + 60) for start in grants)
    assert worst <= 20
    await budget.close()


async def test_users_in_one_chat_take_turns_at_its_write_budget() -> None:
    # One member's answers queued their writes first; another member's write still goes next.
    budget = WriteBudget(rate=1000, private_interval=0.05, group_interval=0.05)
    await budget.acquire(-100, lambda: Priority.FINAL, user=1)
    order: list[int] = []

    async def write(user: int) -> None:
        await budget.acquire(-100, lambda: Priority.FINAL, user=user)
        order.append(user)

    tasks = [asyncio.create_task(write(1)) for _ in range(3)]
    tasks.append(asyncio.create_task(write(2)))
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    await budget.close()
    # The first went at once (the chat's burst, nobody else waiting); then user 2's turn.
    assert order == [1, 2, 1, 1]
