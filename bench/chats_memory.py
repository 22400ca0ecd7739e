"""Memory from outside: the real bot process (`python -m bot`) answering ever more distinct
private chats, its resident memory read after every 1,000 of them.

    python -m bench.chats_memory                 # 20,000 chats, MAX_CHATS=1000
    python -m bench.chats_memory --chats 40000 --max-chats 2000

Each chat asks one question and gets a short answer at once. Once MAX_CHATS chats are kept,
every per-chat structure is full, so a process whose memory is bounded by MAX_CHATS stops
growing: the "KB per further chat" column should fall to about zero. A structure that keeps
every chat forever shows as a steady slope.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bench.streaming import TOKEN, spawn_bot
from tests.servers.backends import FakeCromicle, Script
from tests.servers.telegram import FakeTelegram

BATCH = 1_000


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=20_000)
    parser.add_argument("--max-chats", type=int, default=1_000)
    args = parser.parse_args()
    telegram = FakeTelegram(token=TOKEN)
    cromicle = FakeCromicle(Script(chunks=["a short ", "answer"]))
    await telegram.start()
    await cromicle.start()
    process = await spawn_bot(
        telegram, cromicle, MAX_CHATS=str(args.max_chats), STREAM_MODE="edit"
    )
    try:
        await telegram.wait_for(lambda: bool(telegram.calls_for("getUpdates")), timeout=60)
        print(f"MAX_CHATS={args.max_chats:,}; one question and a short answer per chat\n")
        print("| chats so far | RSS (MB) | KB per further chat |")
        print("|---|---|---|")
        previous: float | None = None
        for start in range(1, args.chats + 1, BATCH):
            batch = range(start, min(start + BATCH, args.chats + 1))
            for chat in batch:
                telegram.add_message(chat, f"question {chat}")
            await telegram.wait_for(
                lambda b=batch: all(telegram.visible_texts(c) for c in b),  # type: ignore[misc]
                timeout=300,
            )
            rss = rss_mb(process.pid)
            slope = "" if previous is None else f"{(rss - previous) * 1024 / len(batch):.2f}"
            print(f"| {batch[-1]:,} | {rss:.1f} | {slope} |", flush=True)
            previous = rss
    finally:
        if process.returncode is None:
            process.terminate()
        await asyncio.wait_for(process.wait(), 60)
        await cromicle.close()
        await telegram.close()


if __name__ == "__main__":
    asyncio.run(main())
