"""Slow Bot API benchmark: how long an unrelated chat waits for its answer while N other chats'
Bot API calls hang.

    python -m bench.slow_api                    # N = 0, 50, 150, 300
    python -m bench.slow_api --levels 0,300     # quicker

For each N it starts the local Bot API server (no flood limits, so only the connection pool and
timeouts are measured), a local Cromicle server that echoes at once, and the real bot process
(`python -m bot`). N chats ask a question while every Bot API call to them takes `--delay`
seconds (longer than the bot's per-request timeout, so it gives up and retries); once their
calls hang, three unrelated chats ask one after another, and the time from each message to
its final answer being on screen is measured on the server's clock.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import platform
import statistics
import time

from bench.streaming import TOKEN, spawn_bot
from tests.servers.backends import FakeCromicle, echo_answer
from tests.servers.telegram import FakeTelegram

SLOW_CHATS = 100_000  # first id of the slow chats; unrelated chats are 1, 2, 3
PROBES = 3


async def start_bot(telegram: FakeTelegram, cromicle: FakeCromicle) -> asyncio.subprocess.Process:
    process = await spawn_bot(telegram, cromicle, LOG_LEVEL="ERROR", STREAM_MODE="edit")
    await telegram.wait_for(lambda: telegram.waiting_polls > 0, timeout=60)
    return process


def answered_with(telegram: FakeTelegram, chat: int, answer: str) -> bool:
    return telegram.visible_texts(chat) == [answer]


async def run_level(slow: int, delay: float, patience: float) -> tuple[list[float], int]:
    """Seconds each unrelated chat waited for its final answer, and the calls hanging then."""
    async with FakeTelegram(token=TOKEN) as telegram, FakeCromicle() as cromicle:
        process = await start_bot(telegram, cromicle)
        try:
            for n in range(slow):
                telegram.delay_chat(SLOW_CHATS + n, delay)
                telegram.add_message(SLOW_CHATS + n, f"slow question {n}")
            # Every slow chat has at least one call hanging (its "typing…" or first text).
            await telegram.wait_for(lambda: telegram.held >= slow, timeout=120)
            waits, held = [], telegram.held
            for chat in range(1, PROBES + 1):
                question = f"unrelated question {chat}"
                started = time.monotonic()
                telegram.add_message(chat, question)
                answered = functools.partial(answered_with, telegram, chat, echo_answer(question))
                try:
                    await telegram.wait_for(answered, timeout=patience)
                except TimeoutError:
                    waits.append(float("inf"))
                    continue
                waits.append(time.monotonic() - started)
            return waits, held
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), 120)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="0,50,150,300")
    parser.add_argument("--delay", type=float, default=60.0, help="seconds a slow call takes")
    parser.add_argument("--patience", type=float, default=90.0, help="give up on an answer")
    args = parser.parse_args()
    python = platform.python_version()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}")
    print(f"slow calls take {args.delay:g} s; an answer is given up after {args.patience:g} s")
    print()
    print(
        "| chats with hanging calls | calls hanging | unrelated answer, 3 chats (s) | median (s) |"
    )
    print("|---|---|---|---|")
    for level in (int(x) for x in args.levels.split(",")):
        waits, held = await run_level(level, args.delay, args.patience)
        each = " / ".join(f"{w:.2f}" if w != float("inf") else "never" for w in waits)
        print(f"| {level} | {held} | {each} | {statistics.median(waits):.2f} |", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
