"""Accounting benchmark: the CPU one answer's bookkeeping costs (usage + metrics).

    python -m bench.accounting                 # 1,000 answers, memory and Redis ledgers
    python -m bench.accounting --answers 5000 --concurrency 50

For every simulated answer the bot would: check the user's budget, record the answer's usage
(per user and chat, day and month), and update the metrics (the answer's ending and latency,
tokens by model, three Telegram calls, one backend request). Users and chats are spread over
200 and 300 ids, models over three names. Each setup runs the same answers:

- metrics only: `Metrics` calls alone;
- memory: `MemoryUsageLedger` (check + record) and the metrics;
- redis: `RedisUsageLedger` on a fresh local redis-server (`tests/support/redis_server.py`),
  one answer at a time (`--concurrency 1`, the worst case: a round trip each) and then
  `--concurrency` answers at once, as many chats being answered at the same time would.

Figures: this process's CPU (`time.process_time`) per answer, wall time per answer, and for
Redis the server's CPU (/proc/<pid>/stat) and commands per answer (INFO's
`total_commands_processed`, which counts the script's own calls too). A scrape of /metrics
(`generate_latest` over the registry after all answers) is timed once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis.asyncio as redis

from bot.metrics import Metrics
from bot.providers.base import Usage
from bot.usage import Limits, MemoryUsageLedger, RedisUsageLedger, UsageLedger
from tests.support.redis_server import RedisServer

MODELS = ("gpt-4o", "llama3.2:1b", "qwen3:8b")
USERS, CHATS = 200, 300


@dataclass(frozen=True)
class Answer:
    user: int
    chat: int
    model: str
    usage: Usage
    first_text: float
    total: float


@dataclass(frozen=True)
class Figures:
    setup: str
    cpu_ms: float
    wall_ms: float
    redis_cpu_ms: float | None = None
    commands: float | None = None


def answers(count: int, seed: int = 7) -> list[Answer]:
    rng = random.Random(seed)
    return [
        Answer(
            user=rng.randrange(1, USERS + 1),
            chat=rng.randrange(1, CHATS + 1),
            model=rng.choice(MODELS),
            usage=Usage(rng.randrange(50, 4000), rng.randrange(10, 1500), rng.random() < 0.2),
            first_text=rng.uniform(0.2, 4),
            total=rng.uniform(2, 60),
        )
        for _ in range(count)
    ]


def bookkeep_metrics(metrics: Metrics, answer: Answer) -> None:
    metrics.answer_ended("complete", answer.first_text, answer.total)
    metrics.tokens(answer.model, answer.usage)
    metrics.telegram_call("sendMessage", "ok")
    metrics.telegram_call("editMessageText", "ok")
    metrics.telegram_call("editMessageText", "ok")
    metrics.backend_request("openai", "ok")


async def bookkeep(ledger: UsageLedger | None, metrics: Metrics, answer: Answer) -> None:
    if ledger is not None:
        now = datetime.now(UTC)
        await ledger.check_budget(answer.user, now)
        await ledger.record(answer.user, answer.chat, answer.model, answer.usage, now)
    bookkeep_metrics(metrics, answer)


async def run(
    work: list[Answer],
    step: Callable[[Answer], Awaitable[None]],
    concurrency: int,
) -> tuple[float, float]:
    """(CPU seconds, wall seconds) to run `step` over `work`, `concurrency` at a time."""
    queue = list(reversed(work))

    async def worker() -> None:
        while queue:
            await step(queue.pop())

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.process_time() - cpu, time.perf_counter() - wall


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def commands(client: redis.Redis) -> int:
    return int((await client.info("stats"))["total_commands_processed"])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    options = parser.parse_args()
    work = answers(options.answers)
    n = len(work)
    limits = Limits(daily=10**9, monthly=10**10)
    rows: list[Figures] = []

    metrics = Metrics(known_model=lambda name: name in MODELS)
    for answer in work[:50]:  # warm up: label children created once, as in a running bot
        bookkeep_metrics(metrics, answer)

    async def metrics_only(answer: Answer) -> None:
        bookkeep_metrics(metrics, answer)

    cpu, wall = await run(work, metrics_only, 1)
    rows.append(Figures("metrics only", cpu / n * 1000, wall / n * 1000))

    memory = MemoryUsageLedger(limits)

    async def in_memory(answer: Answer) -> None:
        await bookkeep(memory, metrics, answer)

    cpu, wall = await run(work, in_memory, 1)
    rows.append(Figures("memory ledger + metrics", cpu / n * 1000, wall / n * 1000))

    if shutil.which("redis-server") is None:
        print("redis-server is not installed: the Redis rows are left out")
    else:
        with tempfile.TemporaryDirectory() as directory:
            server = RedisServer(Path(directory))
            await server.start()
            client = redis.Redis.from_url(server.url)
            try:
                ledger = RedisUsageLedger(client, limits)
                await bookkeep(ledger, metrics, work[0])  # loads the script
                assert server.process is not None
                pid = server.process.pid
                for concurrency in (1, options.concurrency):

                    async def in_redis(answer: Answer) -> None:
                        await bookkeep(ledger, metrics, answer)

                    server_cpu, sent = cpu_seconds(pid), await commands(client)
                    cpu, wall = await run(work, in_redis, concurrency)
                    server_cpu = cpu_seconds(pid) - server_cpu
                    sent = await commands(client) - sent - 1  # less this INFO
                    rows.append(
                        Figures(
                            f"redis ledger + metrics, {concurrency} at a time",
                            cpu / n * 1000,
                            wall / n * 1000,
                            server_cpu / n * 1000,
                            sent / n,
                        )
                    )
                started = time.perf_counter()
                stats = await ledger.stats(datetime.now(UTC), days=7, top=10)
                stats_ms = (time.perf_counter() - started) * 1000
                print(f"/stats from Redis over 7 days: {stats_ms:.1f} ms "
                      f"({stats.total.answers:,} answers)")  # fmt: skip
            finally:
                await client.aclose()
                await server.stop()

    started = time.perf_counter()
    body, _ = metrics.exposition()
    scrape_ms = (time.perf_counter() - started) * 1000
    print(f"{n:,} answers, {USERS} users, {CHATS} chats, {len(MODELS)} models\n")
    print("| setup | bot CPU ms/answer | wall ms/answer | redis-server CPU ms/answer "
          "| Redis commands/answer |")  # fmt: skip
    print("|---|---|---|---|---|")
    for row in rows:
        redis_cpu = f"{row.redis_cpu_ms:.3f}" if row.redis_cpu_ms is not None else "–"
        per = f"{row.commands:.1f}" if row.commands is not None else "–"
        print(f"| {row.setup} | {row.cpu_ms:.3f} | {row.wall_ms:.3f} | {redis_cpu} | {per} |")
    print(f"\none /metrics scrape: {scrape_ms:.1f} ms, {len(body):,} bytes")


if __name__ == "__main__":
    asyncio.run(main())
