"""Memory benchmark: what the bot keeps per chat, fed 100,000 distinct chats.

    python -m bench.memory

Runs the real per-chat stores of the process (HistoryStore with its locks, RateLimiter,
WriteBudget paces) in a fresh interpreter per configuration and prints the peak resident
memory (VmHWM) and what each store holds at the end. Each chat gets one exchange of a
200-character question and a 1,000-character answer.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import bot.app  # noqa: F401  (the imports the process carries, counted in the baseline)
from bot.admission import RateLimiter
from bot.history import HistoryStore
from bot.pacing import WriteBudget
from bot.priority import Priority

CHATS = 100_000
QUESTION = "q" * 200
ANSWER = "a" * 1000


async def feed(max_chats: int) -> dict[str, float]:
    history = HistoryStore(max_chats=max_chats)
    limiter = RateLimiter(20, max_users=max_chats)
    budget = WriteBudget(rate=1e6, private_interval=1.0, group_interval=3.0)
    for chat in range(1, CHATS + 1):
        limiter.hit(chat)
        async with history.chat((chat, None)).line.turn(user=chat):
            history.add_exchange((chat, None), f"{chat}{QUESTION}", f"{chat}{ANSWER}")
        await budget.acquire(chat, lambda: Priority.FINAL)
    await budget.close()
    return {"history_chats": len(history), "limiter_users": len(limiter)}


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(max_chats: int) -> None:
    baseline = peak_rss_mb()
    held = asyncio.run(feed(max_chats))
    print(json.dumps({"baseline": baseline, "peak": peak_rss_mb(), **held}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
        return
    print(f"{CHATS:,} chats, one exchange each ({len(QUESTION) + len(ANSWER)} characters)\n")
    print("| MAX_CHATS | chats kept | peak RSS (MB) | of which stores (MB) |")
    print("|---|---|---|---|")
    for max_chats in (10_000, 100_000):
        out = subprocess.run(
            [sys.executable, "-m", "bench.memory", "--child", str(max_chats)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        row = json.loads(out)
        grown = row["peak"] - row["baseline"]
        print(f"| {max_chats:,} | {row['history_chats']:,} | {row['peak']:.0f} | {grown:.0f} |")


if __name__ == "__main__":
    main()
