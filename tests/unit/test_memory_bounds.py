"""Every per-chat structure of the process stays bounded, however many distinct chats come.

Memory once grew by ~0.5 KB for every new chat, for good, although history was capped: some
structure outside the history kept every chat. This feeds tens of thousands of chats through
each of them and checks its size, so a structure that forgets to forget fails here.
"""

from __future__ import annotations

from bot.admission import RateLimiter
from bot.delivery.memory import ChatMemory
from bot.history import HistoryStore
from bot.pacing import WriteBudget
from bot.priority import Priority
from bot.updates import RecentUpdates

CHATS = 30_000
BOUND = 1_000


async def test_thirty_thousand_chats_leave_every_per_chat_structure_bounded() -> None:
    now = [0.0]

    def clock() -> float:
        return now[0]

    budget = WriteBudget(rate=1e9, private_interval=1.0, group_interval=3.0, clock=clock)
    history = HistoryStore(max_chats=BOUND)
    limiter = RateLimiter(20, max_users=BOUND, clock=clock)
    memory = ChatMemory(max_chats=BOUND)
    recent = RecentUpdates(size=BOUND)
    for chat in range(1, CHATS + 1):
        now[0] += 0.01  # 100 new chats a second
        group = -chat if chat % 3 == 0 else chat
        await budget.acquire(group, lambda: Priority.FINAL, user=chat)
        limiter.hit(chat)
        line = history.chat((group, None)).line
        async with line.turn(chat):
            history.add_exchange((group, None), f"q{chat}", f"a{chat}")
        memory.sent(group, chat * 10)
        await recent.seen_before(chat)
        assert not line.busy
    await budget.close()
    assert len(history) <= BOUND
    assert len(limiter) <= BOUND
    assert all(size <= BOUND for size in memory.sizes().values()), memory.sizes()
    assert len(recent) <= BOUND
    # Paces of chats idle for two intervals are forgotten; the rest fits the prune threshold.
    assert len(budget) <= WriteBudget._PRUNE_AT + 1
